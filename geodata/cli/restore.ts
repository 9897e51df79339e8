import { restoreEmbedded, restoreServer } from '../db/backup.ts';

// npm run restore -- FILE: into DATABASE_URL (a database without the schema yet), or into a new
// embedded data folder YZT_DATA_DIR. A plain SQL backup of either engine loads into both; a
// custom-format server dump loads into a server (pg_restore).
const file = process.argv[2];
if (!file) {
  console.error('usage: npm run restore -- FILE   (target: DATABASE_URL, or a new YZT_DATA_DIR folder)');
  process.exit(2);
}
const url = process.env.DATABASE_URL || undefined;
const schema = process.env.YZT_DB_SCHEMA || 'yzt';
const started = Date.now();
if (url) await restoreServer(file, url, schema);
else await restoreEmbedded(file, process.env.YZT_DATA_DIR || '.data');
console.log(`restored ${file} into ${url ? 'the database at DATABASE_URL' : `data folder ${process.env.YZT_DATA_DIR || '.data'}`} in ${((Date.now() - started) / 1000).toFixed(1)} s; start the server on it`);
