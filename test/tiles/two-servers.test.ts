import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tileAt } from '../../tiles/tile-address.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loadFixture, type FixtureSource } from './fixture.ts';
import { features, fetchTile } from './tile-client.ts';
import { eventually } from '../support/eventually.ts';

// Two server processes (tsx server/main.ts) on one database: an edit made through SQL shows
// in the next tile from both. On a real PostgreSQL the poll interval is set to 10 minutes,
// so only NOTIFY can deliver the change in time; the embedded engine does not pass NOTIFY
// between connections, so there the servers poll every 200 ms.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let db: TestDatabase;
let sources: FixtureSource[];
const children: ChildProcess[] = [];
const urls: string[] = [];

beforeAll(async () => {
  db = await openTestDatabase('tiles_two');
  sources = await loadFixture(db.pool);
  const pollMs = db.engine === 'postgres' ? '600000' : '200';
  for (let i = 0; i < 2; i++) urls.push(await startChild(pollMs));
});

afterAll(async () => {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGTERM');
  })));
  await db?.close();
});

describe('two server processes sharing a database', () => {
  it('both serve an edited source in their next tile after the edit', async () => {
    const edited = sources.find((s) => s.status === 'active' && s.lon > 113.9 && s.lon < 113.95)!;
    const t = tileAt(edited.lon, edited.lat, 15);
    const low = tileAt(edited.lon, edited.lat, 10);
    const path = `/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`;
    const lowPath = `/tiles/sources/${low.z}/${low.x}/${low.y}.mvt`;
    const nameIn = async (base: string) => features((await fetchTile(base + path)).layers.sources).find((f) => f.id === edited.id)?.properties.name;
    const countIn = async (base: string) => features((await fetchTile(base + lowPath)).layers.source_cells).reduce((a, c) => a + Number(c.properties.count), 0);
    const lowBefore: number[] = [];
    for (const base of urls) {
      expect(await nameIn(base)).toBe(edited.name);
      expect(await nameIn(base)).toBe(edited.name);
      expect((await fetchTile(base + path)).headers.get('x-tile-cache')).toBe('hit');
      lowBefore.push(await countIn(base));
    }

    await db.pool.query(`UPDATE source SET name = '两进程改名' WHERE id = $1`, [edited.id]);
    await db.pool.query(`UPDATE source SET status = 'deleted' WHERE id = (SELECT id FROM source WHERE status = 'active' AND ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)) AND id <> $4 LIMIT 1)`, [low.z, low.x, low.y, edited.id]);
    const started = Date.now();
    for (const [i, base] of urls.entries()) {
      await eventually(async () => ((await nameIn(base)) === '两进程改名' ? true : undefined));
      await eventually(async () => ((await countIn(base)) === lowBefore[i]! - 1 ? true : undefined));
    }
    // Well under the 10-minute poll on a real PostgreSQL: the change came by NOTIFY.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

async function startChild(pollMs: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: db.url, YZT_DB_SCHEMA: db.schema, PORT: '0', HOST: '127.0.0.1', YZT_DEMO: 'off',
      LOG_LEVEL: 'info', YZT_TILE_POLL_MS: pollMs, YZT_POOL_SIZE: '3', YZT_ANONYMOUS: 'viewer' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server process did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(line);
      if (m && line.includes('serving on')) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
}
