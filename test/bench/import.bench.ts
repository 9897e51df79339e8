/**
 * npm run bench:import — how fast files come in, and whether the map answers meanwhile, in one run:
 *  1. the demo's sources (600k by default, geodata/demo, one seed) written as an agency would
 *     have them: a CSV with Chinese headers and an .xlsx workbook (ExcelJS's streaming writer,
 *     shared strings as Excel writes them), plus the same rows in the table's own form for COPY;
 *  2. on each engine, into a fresh schema each: the CSV import and the XLSX import (runImport:
 *     parse, map, check, stage, move, as every way in does) next to a plain `COPY` of the same
 *     rows into the same table (indexes and triggers included): rows/s and the ratio;
 *  3. on the embedded engine, the product's server with the demo region loaded: uncached source
 *     tiles requested one after another (random places and zooms 8-14 over the demo, tile cache
 *     off) while idle, while the 600k CSV imports through the same server's pool, and idle again
 *     after it (the same tiles now hold the imported rows: what the import's data costs, apart
 *     from waiting for it): p50, p95, max and the ratios.
 *   BENCH_SOURCES=600000     rows of the files (and the import during the tile run)
 *   BENCH_TILE_SECONDS=20    length of the idle tile run
 *   DATABASE_URL=…           also measure 2. on that real PostGIS (fresh schemas, dropped after)
 *   BENCH_PARTS=rates,tiles  which of 2. (rates) and 3. (tiles) to run
 * It prints numbers and ratios; it asserts nothing (the machines are noisy).
 */
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Point } from 'geojson';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pino } from 'pino';
import { createPool, ensurePostgis } from '../../geodata/db/database.ts';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../geodata/db/embedded-engine.ts';
import { migrate } from '../../geodata/db/migrate.ts';
import { generateDemo } from '../../geodata/demo/index.ts';
import { importFile } from '../../geodata/import/index.ts';
import { LAYERS, type Row } from '../../geodata/model/layers.ts';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/start-server.ts';
import { tileAt } from '../../tiles/tile-address.ts';

const SOURCES = Number(process.env.BENCH_SOURCES ?? 600_000);
const TILE_SECONDS = Number(process.env.BENCH_TILE_SECONDS ?? 20);
const SEED = 20191231;
const PARTS = new Set((process.env.BENCH_PARTS ?? 'rates,tiles').split(','));
const dir = mkdtempSync(join(tmpdir(), 'yzt-bench-import-'));
const table: string[][] = [['measure', 'engine', 'rows', 'seconds', 'rows/s', 'vs COPY']];
const secs = (ms: number) => (ms / 1000).toFixed(1);
const rate = (rows: number, ms: number) => Math.round((rows * 1000) / ms).toLocaleString('en');

// ---- 1. the files ------------------------------------------------------------------------
const SOURCE = LAYERS.source;
// The census's own headers: each column's first alias, coordinates as 经度/纬度.
const HEAD: { header: string; value: (r: Row) => string | number | null }[] = [
  ...SOURCE.columns.filter((c) => c.name !== 'geom' && c.name !== 'entered_x' && c.name !== 'entered_y').map((c) => ({
    header: c.aliases?.[0] ?? c.name,
    value: (r: Row) => (r[c.name] ?? null) as string | number | null,
  })),
  { header: '经度', value: (r) => (r.entered_x ?? (r.geom as Point | null)?.coordinates[0] ?? null) as string | number | null },
  { header: '纬度', value: (r) => (r.entered_y ?? (r.geom as Point | null)?.coordinates[1] ?? null) as string | number | null },
];
const COPY_COLUMNS = SOURCE.columns.map((c) => c.name);

const region = generateDemo({ seed: SEED, sources: SOURCES });
const files = { csv: join(dir, 'sources.csv'), xlsx: join(dir, 'sources.xlsx'), copy: join(dir, 'sources-copy.csv'), csvB: join(dir, 'sources-b.csv') };
let t = performance.now();
// The tile run imports its own copy under other census ids: the server holds the demo's.
const written: string[] = [];
const mb = (label: string, f: string) => written.push(`${label} ${(statSync(f).size / 2 ** 20).toFixed(0)} MB`);
if (PARTS.has('rates')) {
  await writeCsv(files.csv, '');
  mb('CSV', files.csv);
  await writeCopyCsv(files.copy);
  mb('COPY form', files.copy);
  await writeXlsx(files.xlsx);
  mb('XLSX', files.xlsx);
}
if (PARTS.has('tiles')) {
  await writeCsv(files.csvB, 'B');
  mb('CSV for the tile run', files.csvB);
}
console.log(`files of ${SOURCES.toLocaleString('en')} sources written in ${secs(performance.now() - t)} s: ${written.join(', ')}`);

let engine: EmbeddedEngine | undefined;
try {
  // ---- 2. rows/s next to COPY, on each engine ----------------------------------------------
  if (PARTS.has('rates')) await measureRates();
  // ---- 3. the map during an import, embedded -----------------------------------------------
  if (PARTS.has('tiles')) await tilesDuringImport();
} finally {
  await engine?.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}

async function measureRates(): Promise<void> {
  engine = await startEmbeddedEngine({ dataDir: join(dir, 'embedded') });
  const live = engine;
  await measureEngine('embedded', engine.url, async (schema) => {
    const blob = new Blob([readFileSync(files.copy)]);
    const result = await live.pglite.query(`COPY ${pg.escapeIdentifier(schema)}.source (${COPY_COLUMNS.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob });
    return result.affectedRows ?? 0;
  });
  await engine.stop();
  engine = undefined;
  if (process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    const admin = createPool(url, 'public', 1);
    await ensurePostgis(admin);
    await admin.end();
    await measureEngine('postgres', url, async (schema) => {
      const client = new pg.Client(url);
      await client.connect();
      try {
        const copy = client.query(copyFrom(`COPY ${pg.escapeIdentifier(schema)}.source (${COPY_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER true)`));
        await pipeline(createReadStream(files.copy), copy);
        return copy.rowCount ?? 0;
      } finally {
        await client.end();
      }
    });
  }
  printTable(table);
}

async function measureEngine(name: string, url: string, copy: (schema: string) => Promise<number>): Promise<void> {
  const copied = await inFreshSchema(url, `bench_import_copy`, async (schema) => {
    const started = performance.now();
    const rows = await copy(schema);
    return { rows, ms: performance.now() - started };
  });
  const copyRate = (copied.rows * 1000) / copied.ms;
  table.push(['plain COPY (table form)', name, copied.rows.toLocaleString('en'), secs(copied.ms), rate(copied.rows, copied.ms), '1.00']);
  for (const [label, file] of [['CSV import', files.csv], ['XLSX import', files.xlsx]] as const) {
    const run = await inFreshSchema(url, `bench_import_${label.slice(0, 4).toLowerCase()}`, async (schema, pool) => {
      const started = performance.now();
      const report = await importFile(pool, { kind: 'source', files: [file], actor: 'bench' });
      if (report.rowsStored === 0) throw new Error(`${label} on ${name} stored nothing (schema ${schema}): ${JSON.stringify(report.errors.slice(0, 3))}`);
      return { rows: report.rowsStored, ms: performance.now() - started };
    });
    const r = (run.rows * 1000) / run.ms;
    table.push([label, name, run.rows.toLocaleString('en'), secs(run.ms), rate(run.rows, run.ms), (r / copyRate).toFixed(2)]);
    console.log(`${label} on ${name}: ${rate(run.rows, run.ms)} rows/s`);
  }
}

async function inFreshSchema<T>(url: string, prefix: string, work: (schema: string, pool: pg.Pool) => Promise<T>): Promise<T> {
  const schema = `${prefix}_${Date.now().toString(36)}`;
  const pool = createPool(url, schema, 2);
  try {
    await pool.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    await migrate(pool);
    return await work(schema, pool);
  } finally {
    await pool.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`).catch(() => {});
    await pool.end();
  }
}

async function tilesDuringImport(): Promise<void> {
  const server = await startServer(
    loadConfig({ PORT: '0', YZT_DEMO: 'on', YZT_DEMO_SOURCES: '20000', YZT_DEMO_SEED: String(SEED), YZT_ANONYMOUS: 'viewer', YZT_TILE_CACHE_MB: '0', LOG_LEVEL: 'warn', YZT_DATA_DIR: join(dir, 'server') }),
    pino({ level: 'warn' }),
  );
  try {
    const tjRes = await fetch(`${server.url}/tiles/sources.json`);
    const tj = (await tjRes.json()) as { bounds?: [number, number, number, number] };
    if (!tj.bounds) throw new Error(`/tiles/sources.json answered ${tjRes.status} without bounds: ${JSON.stringify(tj).slice(0, 300)}`);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const tileOnce = async (): Promise<number> => {
      const [w, s, e, n] = tj.bounds!;
      const { z, x, y } = tileAt(w + random() * (e - w), s + random() * (n - s), 8 + Math.floor(random() * 7));
      const started = performance.now();
      const res = await fetch(`${server.url}/tiles/sources/${z}/${x}/${y}.mvt`);
      await res.arrayBuffer();
      if (res.status !== 200 && res.status !== 204) throw new Error(`tile ${z}/${x}/${y}: ${res.status}`);
      return performance.now() - started;
    };
    const idleRun = async () => {
      const times: number[] = [];
      const until = performance.now() + TILE_SECONDS * 1000;
      while (performance.now() < until) times.push(await tileOnce());
      return times;
    };
    const idle = await idleRun();

    const during: number[] = [];
    let done = false;
    const started = performance.now();
    const importing = importFile(server.db.pool, { kind: 'source', files: [files.csvB], actor: 'bench' }).finally(() => (done = true));
    while (!done) during.push(await tileOnce());
    const report = await importing;
    const ms = performance.now() - started;
    seed = 7; // the same tiles as the first idle run
    const after = await idleRun();
    const stats = (v: number[]) => {
      const sorted = [...v].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
      return { n: v.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! };
    };
    const a = stats(idle), b = stats(during), c = stats(after);
    const f = (x: number) => `${x.toFixed(0)} ms`;
    console.log(`\nsource tiles on the embedded engine (cache off, one request at a time, z8-14), with the demo region (20,000 sources) loaded:`);
    printTable([
      ['run', 'tiles', 'p50', 'p95', 'max'],
      ['idle', String(a.n), f(a.p50), f(a.p95), f(a.max)],
      [`during a ${report.rowsStored.toLocaleString('en')}-row CSV import`, String(b.n), f(b.p50), f(b.p95), f(b.max)],
      ['idle after it (same tiles as the first run)', String(c.n), f(c.p50), f(c.p95), f(c.max)],
      ['ratio during / idle', '', (b.p50 / a.p50).toFixed(2), (b.p95 / a.p95).toFixed(2), (b.max / a.max).toFixed(2)],
      ['ratio during / idle after', '', (b.p50 / c.p50).toFixed(2), (b.p95 / c.p95).toFixed(2), (b.max / c.max).toFixed(2)],
    ]);
    console.log(`the import under tile load: ${rate(report.rowsStored, ms)} rows/s (${secs(ms)} s)`);
  } finally {
    await server.close();
  }
}

async function writeCsv(path: string, prefix: string): Promise<void> {
  const out = stringify({ header: true, columns: HEAD.map((h) => h.header) });
  const sink = createWriteStream(path);
  out.pipe(sink);
  for (const batch of region.sourceBatches(5000)) {
    for (const r of batch) {
      const values = HEAD.map((h) => h.value(r));
      values[0] = prefix + String(values[0]);
      if (!out.write(values)) await once(out, 'drain');
    }
  }
  out.end();
  await once(sink, 'finish');
}

async function writeCopyCsv(path: string): Promise<void> {
  const out = stringify({ header: true, columns: COPY_COLUMNS });
  const sink = createWriteStream(path);
  out.pipe(sink);
  for (const batch of region.sourceBatches(5000)) {
    for (const r of batch) {
      const values = COPY_COLUMNS.map((c) => {
        const v = r[c] ?? null;
        if (c !== 'geom' || v === null) return v;
        const [x, y] = (v as Point).coordinates;
        return `SRID=4326;POINT(${x} ${y})`;
      });
      if (!out.write(values)) await once(out, 'drain');
    }
  }
  out.end();
  await once(sink, 'finish');
}

async function writeXlsx(path: string): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const sheet = book.addWorksheet('污染源');
  sheet.addRow(HEAD.map((h) => h.header)).commit();
  for (const batch of region.sourceBatches(5000)) {
    for (const r of batch) sheet.addRow(HEAD.map((h) => h.value(r))).commit();
  }
  sheet.commit();
  await book.commit();
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  '));
}

