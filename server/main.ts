import { DataDirInUseError } from '../geodata/db/data-dir-lock.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startServer } from './start-server.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(2);
}
const logger = createLogger(config.logLevel);
try {
  const server = await startServer(config, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  if (err instanceof DataDirInUseError) {
    logger.fatal({ dataDir: err.dataDir, holderPid: err.holderPid }, err.message);
    process.exit(3);
  }
  logger.fatal({ err }, `start-up failed: ${(err as Error).message}`);
  process.exit(1);
}
