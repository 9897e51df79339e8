import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import type { Logger } from 'pino';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import type { TestDatabase } from './test-database.ts';

/** The real server, in this process, on a test database's schema (demo off unless asked). */
export function startTestServer(
  db: TestDatabase,
  env: Record<string, string> = {},
  logger: Logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
): Promise<RunningServer> {
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: db.url,
    YZT_DB_SCHEMA: db.schema,
    YZT_DEMO: 'off',
    YZT_POOL_SIZE: '4',
    // Read tests act as the anonymous viewer of the public demo; writes sign in (test/support/auth.ts).
    YZT_ANONYMOUS: 'viewer',
    // Every JSON answer of every test is checked against the API contract (server/send-json.ts).
    YZT_CHECK_ANSWERS: 'on',
    ...env,
  });
  return startServer(config, logger);
}
