import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const HEADER = '普查编号,单位名称,污染源类型,行业代码,经度,纬度,化学需氧量\n';

// `npm run import` killed (SIGKILL, no chance to clean up itself) half-way through its file
// stores nothing, and the database stays usable. The import writes its rows to a temporary stage
// table in short transactions (geodata/import/import-stage.ts): the layer has none of them yet,
// and on a real PostgreSQL the dead backend's temporary table goes with it. On the embedded
// engine the socket server must roll back a transaction the dead client left open, or every
// other connection waits for ever behind it (PGlite is one session). A kill while rows move
// into the layer is the other half: geodata/import/import-stage.db.test.ts.
describe('an import killed half-way', () => {
  let db: TestDatabase;
  let dir: string;
  let big: string;
  let bigBytes: number;
  const ROWS = 300_000;
  beforeAll(async () => {
    db = await openTestDatabase('faults_import_kill');
    dir = mkdtempSync(join(tmpdir(), 'yzt-faults-import-'));
    big = join(dir, 'big-sources.csv');
    writeFileSync(big, csv(ROWS, 'K'));
    bigBytes = statSync(big).size;
  });
  afterAll(async () => {
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const count = async (table: string) => Number((await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  it('leaves no source row and no import_batch row, and the next import succeeds', async () => {
    expect(await count('source')).toBe(0);
    expect(await count('import_batch')).toBe(0);
    const before = await stageTables(db);
    const child = startImport(db, big);
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.process.once('exit', (code, signal) => resolve(signal ?? code)));
    let stage: string | undefined;
    try {
      // Half-way: the CLI has read well into the file (so its transaction, begun before the
      // first row, is open) and has not reached the end of it.
      await eventually(async () => {
        if (child.process.exitCode !== null) throw new Error(`import ended before it could be killed:\n${child.output()}`);
        const pos = await readPosition(child.process.pid!, big);
        return pos !== null && pos > bigBytes * 0.2 && pos < bigBytes * 0.9 ? pos : undefined;
      }, 120_000);
      // Asked from another connection, on either engine (the import holds no transaction
      // across the file): its stage table exists, and the layer has none of its rows.
      stage = await eventually(async () => (await stageTables(db)).find((t) => !before.includes(t)), 30_000);
      expect(await count('source')).toBe(0);
      child.process.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    } finally {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    }
    if (db.engine === 'postgres') {
      // The server notices the closed connection and ends that backend, dropping its temporary
      // stage table with it. (The embedded engine's one session keeps a dead client's stage
      // until the engine restarts: an empty table no one reads, named for its unused batch id.)
      await eventually(async () => ((await stageTables(db)).includes(stage!) ? undefined : true), 60_000);
    }
    expect(await count('source')).toBe(0);
    expect(await count('import_batch')).toBe(0);

    const small = join(dir, 'small-sources.csv');
    writeFileSync(small, csv(50, 'A'));
    const again = startImport(db, small);
    const code = await new Promise((resolve) => again.process.once('exit', resolve));
    expect(code, again.output()).toBe(0);
    expect(JSON.parse(again.stdout())).toMatchObject({ kind: 'source', rowsStored: 50, rejected: 0 });
    expect(await count('source')).toBe(50);
    expect(await count('import_batch')).toBe(1);
    const { rows } = await db.pool.query<{ census_id: string }>('SELECT census_id FROM source ORDER BY census_id LIMIT 1');
    expect(rows[0]!.census_id).toBe('A000001');
  }, 300_000);
});

function csv(rows: number, prefix: string): string {
  const lines = [HEADER];
  for (let i = 1; i <= rows; i++) {
    const lon = (113.8 + (i % 4000) / 10_000).toFixed(6);
    const lat = (22.5 + Math.floor(i / 4000) / 1_000).toFixed(6);
    lines.push(`${prefix}${String(i).padStart(6, '0')},示范企业${i}号,工业源,1713,${lon},${lat},${(i % 97) + 0.5}\n`);
  }
  return lines.join('');
}

interface ImportProcess {
  readonly process: ChildProcess;
  output(): string;
  stdout(): string;
}

/** `npm run import -- source <file>`, as a separate process on the test's schema. */
function startImport(db: TestDatabase, file: string): ImportProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'geodata/cli/import.ts', 'source', file, '--actor', 'faults-test'], {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: db.url, YZT_DB_SCHEMA: db.schema },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return { process: child, output: () => `${out}\n${err}`, stdout: () => out };
}

/** How far a process has read into a file (Linux /proc), or null while it has not opened it. */
async function readPosition(pid: number, file: string): Promise<number | null> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    if (target !== file) continue;
    const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    const m = /^pos:\s+(\d+)/m.exec(info);
    if (m) return Number(m[1]);
  }
  return null;
}

/** The import stage tables (temporary, so in any session's pg_temp_N schema) that exist now. */
async function stageTables(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ relname: string }>(
    `SELECT relname FROM pg_class WHERE relname LIKE 'import_stage\\_%' AND relpersistence = 't' AND relkind = 'r' ORDER BY relname`,
  );
  return rows.map((r) => r.relname);
}
