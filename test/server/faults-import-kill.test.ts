import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const HEADER = '普查编号,单位名称,污染源类型,行业代码,经度,纬度,化学需氧量\n';

// `npm run import` killed (SIGKILL, no chance to roll back itself) while its one transaction is
// open stores nothing, and the database stays usable: on a real PostgreSQL the server rolls the
// dead backend's transaction back; on the embedded engine the socket server must do it, or every
// other connection waits for ever behind the dead one (PGlite is one session).
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
    const child = startImport(db, big);
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.process.once('exit', (code, signal) => resolve(signal ?? code)));
    let backendPid: number | null = null;
    try {
      // Half-way: the CLI has read well into the file (so its transaction, begun before the
      // first row, is open) and has not reached the end of it.
      await eventually(async () => {
        if (child.process.exitCode !== null) throw new Error(`import ended before it could be killed:\n${child.output()}`);
        const pos = await readPosition(child.process.pid!, big);
        return pos !== null && pos > bigBytes * 0.2 && pos < bigBytes * 0.9 ? pos : undefined;
      }, 120_000);
      if (db.engine === 'postgres') {
        // On a real server, confirm from another connection: a backend holds write locks on
        // this schema's source and import_batch tables inside an open transaction.
        backendPid = await eventually(async () => (await openImportTransaction(db)) ?? undefined, 30_000);
      }
      // The embedded engine cannot be asked: while the import's transaction is open it holds the
      // one session, and any other connection's query waits until that transaction ends.
      child.process.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    } finally {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    }
    if (backendPid !== null) {
      // The server notices the closed connection and rolls back; wait until that backend is gone.
      await eventually(async () => {
        const { rows } = await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [backendPid]);
        return rows.length === 0 ? true : undefined;
      }, 60_000);
    }
    // On the embedded engine these queries only get an answer once the dead connection's
    // transaction has been rolled back.
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

/** The backend that holds write locks on this schema's source and import_batch in an open transaction. */
async function openImportTransaction(db: TestDatabase): Promise<number | null> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT l.pid
         FROM pg_locks l
         JOIN pg_class c ON c.oid = l.relation
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE n.nspname = $1 AND l.mode = 'RowExclusiveLock' AND l.granted
          AND c.relname IN ('source', 'import_batch') AND a.xact_start IS NOT NULL
        GROUP BY l.pid
       HAVING count(DISTINCT c.relname) = 2`,
      [db.schema],
    );
    return rows.length === 1 ? rows[0]!.pid : null;
  } finally {
    await client.end();
  }
}
