import { migrate } from '../db/migrate.ts';
import { IMPORT_USAGE, parseImportArgs, type ImportCommand } from '../import/cli-args.ts';
import { ImportFileError } from '../import/index.ts';
import { importThenRefresh } from '../network/index.ts';
import { openCliDatabase } from './open-cli-database.ts';

// npm run import -- <kind> <file...>: imports one file (or one shapefile set) in one
// transaction, refreshes the river-network index as the HTTP import does, and prints the JSON
// report. Exit 0: stored; 1: rejected or unreadable; 2: the embedded database is held by a
// running server (import through its HTTP route instead).
let command: ImportCommand;
try {
  command = parseImportArgs(process.argv.slice(2));
} catch (err) {
  console.error(`${(err as Error).message}\n${IMPORT_USAGE}`);
  process.exit(1);
}
if (command.schema) process.env.YZT_DB_SCHEMA = command.schema;
const kind = command.options.kind;
const db = await openCliDatabase(
  `send the file to the server instead: POST /api/import/${kind} (multipart field "file"), or stop the server and run this again.`,
);
let exitCode = 0;
try {
  await migrate(db.pool);
  const report = await importThenRefresh({ scoped: db.pool, owner: db.pool, national: true }, command.options);
  console.log(JSON.stringify(report, null, 2));
  if (report.rejected > 0 || report.errorCount > 0) {
    console.error(`rejected: ${report.errorCount} error(s) in ${report.rejected} row(s); nothing was stored`);
    exitCode = 1;
  } else {
    console.error(`stored ${report.rowsStored} ${kind} row(s) as import batch ${report.batchId} (${db.engine}, ${db.location})`);
  }
} catch (err) {
  if (!(err instanceof ImportFileError)) throw err;
  console.error(`cannot import: ${err.message}`);
  exitCode = 1;
} finally {
  await db.close();
}
process.exit(exitCode);
