import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupEmbedded, backupFormatOf, backupServer, restoreEmbedded, restoreServer } from '../../geodata/db/backup.ts';
import { openDatabase, type Database } from '../../geodata/db/database.ts';
import { migrate } from '../../geodata/db/migrate.ts';
import { loadDemo } from '../../geodata/demo/index.ts';
import { databaseStatus } from '../../geodata/status/database-status.ts';
import { tileAt } from '../../tiles/tile-address.ts';
import { createTileService } from '../../tiles/tile-service.ts';
import { decodeTile, features } from '../tiles/tile-client.ts';

// A backup of an embedded demo folder, restored into a fresh folder and into a real PostgreSQL,
// then that server's pg_dump restored once more: the same row counts and the same tiles.
function clientsAbsent(): string | null {
  if (!process.env.DATABASE_URL) return 'restoring into a real PostgreSQL needs the PostgreSQL pass (DATABASE_URL set)';
  for (const tool of ['pg_dump', 'pg_restore', 'psql']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch {
      return `needs Debian's ${tool} (postgresql-client-15)`;
    }
  }
  return null;
}
const skip = clientsAbsent();

interface Snapshot { counts: Record<string, number>; tiles: Record<string, string[]> }

describe.skipIf(skip !== null)(`backups that restore${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'yzt-backup-'));
  const serverUrl = process.env.DATABASE_URL ?? '';
  const databases: string[] = [];
  let original: Snapshot;
  let spots: { lon: number; lat: number };

  const urlOf = (name: string) => {
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const newDatabase = async (tag: string) => {
    const name = `yzt_restore_${tag}_${process.pid}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    databases.push(name);
    return urlOf(name);
  };

  // Row counts of every table, and a few tiles of each kind decoded to sorted feature lists
  // (the Node encoder everywhere, so the engines' encoders do not differ).
  const snapshot = async (db: Database): Promise<Snapshot> => {
    const counts = (await databaseStatus(db.pool)).rowCounts;
    const tiles = await createTileService({ pool: db.pool, schema: db.schema, options: { cacheBytes: 0, encoder: 'node' } });
    try {
      const out: Record<string, string[]> = {};
      for (const [layer, z] of [['sources', 8], ['sources', 12], ['sources', 15], ['divisions_county', 10], ['river_reaches', 11]] as const) {
        const t = tileAt(spots.lon, spots.lat, z);
        const r = await tiles.tile({ layer, z: String(t.z), x: String(t.x), y: String(t.y), query: {} });
        out[`${layer}/${z}`] = Object.values(decodeTile(r.bytes)).flatMap((l) => features(l))
          .map((f) => JSON.stringify([f.id, f.type, Object.entries(f.properties).sort()])).sort();
      }
      return { counts, tiles: out };
    } finally {
      await tiles.close();
    }
  };

  beforeAll(async () => {
    const db = await openDatabase({ dataDir: join(dir, 'demo'), schema: 'yzt', poolSize: 2 });
    try {
      await migrate(db.pool);
      await loadDemo(db.pool, { seed: 7, sources: 400 });
      const { rows } = await db.pool.query<{ lon: number; lat: number }>('SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM source WHERE geom IS NOT NULL ORDER BY id LIMIT 1');
      spots = rows[0]!;
      original = await snapshot(db);
    } finally {
      await db.close();
    }
    expect(original.counts.source).toBe(400);
    expect(Object.values(original.tiles).every((t) => t.length > 0)).toBe(true);
  }, 240_000);

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dumps the embedded folder to plain SQL that loads into a fresh folder and into PostgreSQL 15 alike', async () => {
    const file = join(dir, 'demo.sql');
    const made = await backupEmbedded(join(dir, 'demo'), 'yzt', file);
    expect(made.format).toBe('sql');
    expect(backupFormatOf(file)).toBe('sql');

    await restoreEmbedded(file, join(dir, 'fresh'));
    const fresh = await openDatabase({ dataDir: join(dir, 'fresh'), schema: 'yzt', poolSize: 2 });
    try {
      expect(await migrate(fresh.pool)).toEqual([]);
      expect(await snapshot(fresh)).toEqual(original);
    } finally {
      await fresh.close();
    }

    const url = await newDatabase('sql');
    await restoreServer(file, url, 'yzt');
    const server = await openDatabase({ databaseUrl: url, dataDir: dir, schema: 'yzt', poolSize: 2 });
    try {
      expect(await migrate(server.pool)).toEqual([]);
      expect(await snapshot(server)).toEqual(original);
    } finally {
      await server.close();
    }
    await expect(restoreEmbedded(file, join(dir, 'fresh'))).rejects.toThrow(/is not empty: restore into a new folder/);
    await expect(restoreServer(file, url, 'yzt')).rejects.toThrow(/schema "yzt" already exists/);
  }, 600_000);

  it('restores a server\'s pg_dump with pg_restore to the same rows and tiles', async () => {
    const from = urlOf(databases[0]!);
    const file = join(dir, 'server.dump');
    expect((await backupServer(from, 'yzt', file)).format).toBe('custom');
    const url = await newDatabase('dump');
    await restoreServer(file, url, 'yzt');
    const db = await openDatabase({ databaseUrl: url, dataDir: dir, schema: 'yzt', poolSize: 2 });
    try {
      expect(await snapshot(db)).toEqual(original);
    } finally {
      await db.close();
    }
    await expect(restoreEmbedded(file, join(dir, 'other'))).rejects.toThrow(/custom-format archive/);
  }, 300_000);
});
