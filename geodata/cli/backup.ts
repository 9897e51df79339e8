import { backupEmbedded, backupServer } from '../db/backup.ts';
import { DataDirInUseError } from '../db/data-dir-lock.ts';

// npm run backup [-- FILE]: pg_dump (custom format) of the schema on DATABASE_URL, or a plain
// SQL dump of the embedded data folder YZT_DATA_DIR (stop the server first: it owns the folder).
// The formats and why: geodata/db/backup.ts; restoring: npm run restore.
const url = process.env.DATABASE_URL || undefined;
const schema = process.env.YZT_DB_SCHEMA || 'yzt';
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const file = process.argv[2] ?? `yizhangtu-${schema}-${stamp}.${url ? 'dump' : 'sql'}`;
try {
  const result = url ? await backupServer(url, schema, file) : await backupEmbedded(process.env.YZT_DATA_DIR || '.data', schema, file);
  console.log(`backed up schema ${schema} to ${result.file} (${result.format}, ${(result.bytes / 1e6).toFixed(1)} MB, ${(result.elapsedMs / 1000).toFixed(1)} s)`);
} catch (err) {
  if (err instanceof DataDirInUseError) {
    console.error(`${err.message}.\nThe running server owns the embedded database: stop it, then back up.`);
    process.exit(2);
  }
  throw err;
}
