import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tileAt } from '../../tiles/tile-address.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { eventually } from '../support/eventually.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { loadFixture, type FixtureSource } from './fixture.ts';
import { features, fetchTile } from './tile-client.ts';

// Source tiles carry each source's review flag and filter by it; a finding that appears or is
// decided changes the cached tiles around its source (migration 008's trigger), on both engines.
describe('review flag in source tiles', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let sources: FixtureSource[];
  let flagged: FixtureSource;
  beforeAll(async () => {
    db = await openTestDatabase('tiles_review_flag');
    sources = await loadFixture(db.pool, 800);
    flagged = sources.find((s) => s.status === 'active' && s.lon > 113.85 && s.lon < 113.95)!;
    server = await startTestServer(db, { YZT_TILE_POLL_MS: '100' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const detail = () => tileAt(flagged.lon, flagged.lat, 15);
  const detailFeatures = async (query = '') => {
    const t = detail();
    return features((await fetchTile(`${server.url}/tiles/sources/${t.z}/${t.x}/${t.y}.mvt${query}`)).layers.sources);
  };
  const flagOf = async () => (await detailFeatures()).find((f) => f.id === flagged.id)?.properties.review;
  const lowCount = async (query: string) => {
    const t = tileAt(flagged.lon, flagged.lat, 8);
    const tile = await fetchTile(`${server.url}/tiles/sources/${t.z}/${t.x}/${t.y}.mvt${query}`);
    return features(tile.layers.source_cells).reduce((a, f) => a + Number(f.properties.count), 0);
  };

  it('marks every source clean before any finding, and review=open shows none', async () => {
    expect(await flagOf()).toBe('clean');
    expect(await detailFeatures('?review=open')).toEqual([]);
    expect(await lowCount('?review=open')).toBe(0);
  });

  it('flags a source once a finding opens on it, in the cached tile too, and filters by the flag', async () => {
    const before = await detailFeatures();
    expect((await fetchTile(`${server.url}/tiles/sources/${detail().z}/${detail().x}/${detail().y}.mvt`)).headers.get('x-tile-cache')).toBe('hit');
    await db.pool.query(
      `INSERT INTO review_finding (subject_kind, subject_key, source_id, check_code, severity, run_id)
       VALUES ('source', $1, $2, 'outside_declared_zone', 'error', 0)`, [flagged.census_id, flagged.id]);
    await eventually(async () => ((await flagOf()) === 'open' ? true : undefined));
    const open = await detailFeatures('?review=open');
    expect(open.map((f) => f.id)).toEqual([flagged.id]);
    const clean = await detailFeatures('?review=clean');
    expect(clean.length).toBe(before.length - 1);
    expect(clean.some((f) => f.id === flagged.id)).toBe(false);
    expect(await lowCount('?review=open')).toBe(1);
  });

  it('clears the flag when a reviewer decides the finding', async () => {
    await db.pool.query(`UPDATE review_finding SET status = 'accepted' WHERE source_id = $1`, [flagged.id]);
    await eventually(async () => ((await flagOf()) === 'clean' ? true : undefined));
    expect(await detailFeatures('?review=open')).toEqual([]);
  });

  it('refuses an unknown flag with a reason', async () => {
    const t = detail();
    const res = await fetchTile(`${server.url}/tiles/sources/${t.z}/${t.x}/${t.y}.mvt?review=maybe`);
    expect(res.status).toBe(400);
    expect(res.json?.error).toMatch(/review/);
  });
});
