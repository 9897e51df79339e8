import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../support/child-server.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface Health { status: string; engine: string; rowCounts: Record<string, number> }

// The embedded engine's process is killed (SIGKILL: no shutdown, no flush, the pid file left
// behind) right after it wrote the demo region, and again later. Each next process on the same
// data folder takes the stale lock over, recovers, and reads everything written before the kill,
// including a row that `npm run import` added in between. Independent of DATABASE_URL.
describe('the embedded engine restarted after a kill', () => {
  let dir: string;
  const children: ChildServer[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'yzt-faults-restart-'));
  });
  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const lockFile = () => join(dir, 'yizhangtu.lock');
  const start = async () => {
    const child = startChildServer({ YZT_DATA_DIR: dir, YZT_DEMO_SOURCES: '300', YZT_DB_SCHEMA: 'yzt', YZT_ANONYMOUS: 'viewer' });
    children.push(child);
    return { child, url: await child.ready };
  };
  const kill = async (child: ChildServer) => {
    child.process.kill('SIGKILL');
    await child.exited;
    expect(child.process.signalCode).toBe('SIGKILL');
  };
  const health = async (url: string): Promise<Health> => {
    const res = await fetch(`${url}/api/health`);
    expect(res.status).toBe(200);
    return (await res.json()) as Health;
  };
  const search = async (url: string, q: string): Promise<{ layer: string; name: string }[]> => {
    const res = await fetch(`${url}/api/explore/search?q=${encodeURIComponent(q)}&limit=50`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { hits: { layer: string; name: string }[] }).hits;
  };

  it('keeps the demo region written before a kill, and a row imported after it, across two kills', async () => {
    // 1. A fresh folder: the server creates the engine and writes the demo region, then is killed.
    const a = await start();
    const first = await health(a.url);
    expect(first).toMatchObject({ status: 'ok', engine: 'embedded' });
    expect(first.rowCounts.source).toBeGreaterThan(0);
    const demoName = (await search(a.url, '厂')).find((h) => h.layer === 'source')?.name;
    expect(demoName).toBeTruthy();
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(a.child.process.pid));
    await kill(a.child);
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(a.child.process.pid)); // stale, left behind

    // 2. The import command takes the stale lock over and writes a marker row.
    const marker = `断电后导入企业${process.pid}`;
    const csv = join(dir, 'marker.csv');
    writeFileSync(csv, `普查编号,单位名称,污染源类型,行业代码,经度,纬度,化学需氧量\nKILL-1,${marker},工业源,1713,113.95,22.55,1.5\n`);
    const imported = await runImport(dir, csv);
    expect(imported.code, imported.output).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ rowsStored: 1, rejected: 0 });
    expect(existsSync(lockFile())).toBe(false); // released on a normal exit

    // 3. A second server reads both, and is killed too.
    const b = await start();
    const second = await health(b.url);
    expect(second.rowCounts).toEqual({ ...first.rowCounts, source: first.rowCounts.source! + 1, import_batch: (first.rowCounts.import_batch ?? 0) + 1 });
    expect((await search(b.url, marker)).map((h) => h.name)).toContain(marker);
    await kill(b.child);
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(b.child.process.pid));

    // 4. A third server takes the stale lock over and sees the same data.
    const c = await start();
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(c.child.process.pid));
    expect((await health(c.url)).rowCounts).toEqual(second.rowCounts);
    expect((await search(c.url, marker)).map((h) => h.name)).toContain(marker);
    expect((await search(c.url, demoName!)).map((h) => h.name)).toContain(demoName);
    // The demo was not loaded again over the existing data.
    expect(c.child.output()).not.toMatch(/loading the demo region/);
    expect(await c.child.stop()).toBe(0);
    expect(existsSync(lockFile())).toBe(false);
  }, 300_000);
});

function runImport(dataDir: string, file: string): Promise<{ code: number | null; stdout: string; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'geodata/cli/import.ts', 'source', file, '--actor', 'faults-test'], {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: '', YZT_DATA_DIR: dataDir, YZT_DB_SCHEMA: 'yzt' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout: out, output: `${out}\n${err}` })));
}
