import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { loadDatabaseConfig } from '../config/config.ts';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { DEFAULT_SOURCES, generateDemo, loadDemo, serializeDemo } from '../demo/index.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in demo.sql beside it.
const FIXED_SQL = loadStatements(new URL('./demo.sql', import.meta.url), ['select_source']);

// npm run demo -- [--sources N] [--seed S] [--schema yzt] [--out region.ndjson]
// Loads the demo region (示范区) into DATABASE_URL or the embedded engine on YZT_DATA_DIR,
// or with --out writes it as NDJSON instead.
const USAGE = 'usage: npm run demo -- [--sources N] [--seed S] [--schema NAME] [--out FILE.ndjson]';

const { values } = parseArgs({
  options: {
    sources: { type: 'string', default: String(DEFAULT_SOURCES) },
    seed: { type: 'string', default: '1' },
    schema: { type: 'string', default: loadDatabaseConfig(process.env).schema },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const sources = integerOption('--sources', values.sources);
const seed = integerOption('--seed', values.seed);

if (values.out) {
  const started = performance.now();
  const region = generateDemo({ seed, sources });
  await pipeline(Readable.from(serializeDemo(region)), createWriteStream(values.out));
  console.log(`wrote the demo region (seed ${seed}, ${sources} sources, ${region.seededErrors.length} seeded errors) to ${values.out} in ${seconds(performance.now() - started)}`);
} else {
  let db;
  try {
    db = await openDatabase({ ...loadDatabaseConfig(process.env), schema: values.schema, poolSize: 2 });
  } catch (err) {
    if (err instanceof DataDirInUseError) {
      console.error(`${err.message}.\nThe running server owns the embedded database; stop it first (it loads the demo itself into an empty database).`);
      process.exit(2);
    }
    throw err;
  }
  try {
    await migrate(db.pool);
    const existing = await db.pool.query<{ n: string }>(FIXED_SQL.select_source);
    if (Number(existing.rows[0]!.n) > 0) {
      console.error(`schema "${db.schema}" already holds ${existing.rows[0]!.n} sources; load the demo into an empty schema (--schema NAME)`);
      process.exitCode = 1;
    } else {
      let shown = 0;
      const result = await loadDemo(db.pool, { seed, sources }, (p) => {
        if (p.layer === 'source' && p.rows - shown >= 100_000) {
          shown = p.rows;
          console.log(`  ${p.rows} sources`);
        }
      });
      console.log(`demo region (示范区) loaded into ${db.engine} ${db.location}, schema ${db.schema}, import batch ${result.importBatchId}`);
      for (const [table, count] of Object.entries(result.counts)) console.log(`  ${table.padEnd(16)} ${count}`);
      console.log(`  seeded coordinate errors: ${result.seededErrors.length}`);
      console.log(`load time: ${seconds(result.elapsedMs)}`);
    }
  } finally {
    await db.close();
  }
}

function integerOption(name: string, text: string): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    console.error(`${name} must be an integer, got "${text}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
