import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedPool } from '../../geodata/access/index.ts';
import { insertRows } from '../../geodata/db/bulk-insert.ts';
import { LAYERS } from '../../geodata/model/layers.ts';
import { findingForMap } from '../../geodata/review/finding-map.ts';
import { runReview } from '../../geodata/review/index.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loadSmallFixture } from './small-fixture.ts';

/**
 * The sources drawn around a finding on the review map: nearest first within 1 km, the
 * finding's own source, deleted ones and those out of the caller's scope left out. They come
 * through nearby_source_ids (migration 014), which reads as the owner so the spatial index is
 * used under row-level security, and must still apply the scope itself.
 */
describe('the sources around a finding', () => {
  let db: TestDatabase;
  let findingId: number;

  beforeAll(async () => {
    db = await openTestDatabase('review_nearby');
    await loadSmallFixture(db.pool);
    // Around S-out's entered point (113.981234, 22.521234).
    const at = (id: string, dx: number, dy: number, division: string, status = 'active') => {
      const [x, y] = [(113.981234 + dx).toFixed(6), (22.521234 + dy).toFixed(6)];
      return {
        census_id: id, name: `邻近${id}`, source_type: 'industrial', industry_code: '3360', zone_code: 'ZB', division_code: division,
        geom: { type: 'Point' as const, coordinates: [Number(x), Number(y)] }, entered_x: x, entered_y: y, entered_crs: 'wgs84', status, cod: 1, vocs: 0.1,
      };
    };
    const client = await db.pool.connect();
    try {
      await insertRows(client, LAYERS.source, [
        at('N-205m', 0.002, 0, '440305'),
        at('N-444m-baoan', 0, 0.004, '440306'),
        at('N-51m-deleted', 0.0005, 0, '440305', 'deleted'),
        at('N-2km', 0, 0.02, '440305'),
        at('N-700m', -0.0068, 0, '440305'),
      ], null);
    } finally {
      client.release();
    }
    await runReview(db.pool, 'test');
    const { rows } = await db.pool.query(`SELECT f.id FROM review_finding f JOIN source s ON s.id = f.source_id WHERE s.census_id = 'S-out' AND f.check_code = 'outside_declared_zone'`);
    findingId = Number(rows[0].id);
  }, 180_000);
  afterAll(async () => db?.close());

  const nearby = async (scope: string) => (await findingForMap(scopedPool(db.pool, scope), findingId))!.nearby;

  it('lists the sources within 1 km, nearest first, with their distances, leaving out the source itself and deleted ones', async () => {
    const all = await nearby('*');
    expect(all.map((n) => n.censusId)).toEqual(['N-205m', 'N-444m-baoan', 'N-700m']);
    expect(all.map((n) => Math.round(n.distanceM / 10) * 10)).toEqual([210, 440, 700]);
    // Each carries the checks open on it, as the findings table has them.
    const { rows } = await db.pool.query(`SELECT s.census_id, coalesce(array_agg(f.check_code ORDER BY f.check_code) FILTER (WHERE f.id IS NOT NULL), '{}') AS checks
      FROM source s LEFT JOIN review_finding f ON f.source_id = s.id AND f.status = 'open' WHERE s.census_id LIKE 'N-%' GROUP BY 1`);
    const open = new Map(rows.map((r) => [r.census_id as string, r.checks as string[]]));
    for (const n of all) expect(n.checks).toEqual(open.get(n.censusId));
  });

  it('keeps a district reviewer to its district, and shows nothing without a valid scope', async () => {
    expect((await nearby('440305')).map((n) => n.censusId)).toEqual(['N-205m', 'N-700m']);
    // Bao'an cannot open a Nanshan finding; the function alone gives it only its own sources.
    expect(await findingForMap(scopedPool(db.pool, '440306'), findingId)).toBeNull();
    // (the ids alone, with no join back through RLS that would hide a scope the function forgot).
    const ids = (await scopedPool(db.pool, '440306').query(`SELECT id FROM nearby_source_ids(113.981234, 22.521234, 1000, NULL, 50)`)).rows.map((r) => r.id);
    const names = await db.pool.query(`SELECT census_id FROM source WHERE id = ANY($1::bigint[])`, [ids]);
    expect(names.rows.map((r) => r.census_id)).toEqual(['N-444m-baoan']);
    expect(await db.pool.query(`SELECT count(*)::int AS n FROM nearby_source_ids(113.981234, 22.521234, 1000, NULL, 50)`).then((r) => r.rows[0].n)).toBe(0);
  });
});
