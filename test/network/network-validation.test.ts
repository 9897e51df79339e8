import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importFile } from '../../geodata/import/index.ts';
import { buildRiverNetwork, NetworkBuildError } from '../../geodata/network/index.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REAL = process.env.YZT_REAL_GEODATA ?? join(REPO_ROOT, '..', 'shared', 'geodata', 'real');
const PEARL = join(REAL, 'pearl-rivers-gd.geojson');

async function lines(db: TestDatabase, reaches: [number, string][]): Promise<void> {
  for (const [id, wkt] of reaches) {
    await db.pool.query(`INSERT INTO river_reach (id, geom) VALUES ($1, ST_GeomFromText($2, 4326))`, [id, wkt]);
  }
}

describe('building and validating the river network', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('network_validation');
  });
  beforeEach(async () => {
    await db.pool.query('TRUNCATE river_reach, network_reach');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('takes direction from the digitised order, snapping ends within the tolerance', async () => {
    // 2 starts 5 m from where 1 ends (0.000045° on the equator); 3 joins 2 from the north.
    await lines(db, [
      [1, 'LINESTRING(0 0, 0.1 0)'], [2, 'LINESTRING(0.100045 0, 0.2 0)'], [3, 'LINESTRING(0.2 0.1, 0.2 0)'], [4, 'LINESTRING(0.2 0, 0.3 0)'],
    ]);
    const report = await buildRiverNetwork(db.pool, { direction: 'attribute', toleranceM: 10 });
    expect(report).toMatchObject({ reaches: 4, nodes: 5, outlets: [4], cycles: [], selfLoops: [], danglingPieces: [], noOutlet: [], gaps: [], bifurcations: [] });
    const { rows } = await db.pool.query(`SELECT id::int, downstream_id::int AS down FROM river_reach ORDER BY id`);
    expect(rows).toEqual([{ id: 1, down: 2 }, { id: 2, down: 4 }, { id: 3, down: 4 }, { id: 4, down: null }]);
    const idx = await db.pool.query(`SELECT reach_id::int AS id, pre, last FROM network_reach ORDER BY pre`);
    expect(idx.rows).toEqual([{ id: 4, pre: 0, last: 3 }, { id: 2, pre: 1, last: 2 }, { id: 1, pre: 2, last: 2 }, { id: 3, pre: 3, last: 3 }]);
  });

  it('reports a cycle and the reaches that never reach an outlet', async () => {
    await lines(db, [
      [1, 'LINESTRING(0 0, 0.1 0)'], [2, 'LINESTRING(0.1 0, 0.05 0.05)'], [3, 'LINESTRING(0.05 0.05, 0 0)'], [4, 'LINESTRING(0.05 0.05, 0.05 0.2)'],
      [5, 'LINESTRING(1 0, 1.1 0)'],
    ]);
    const report = await buildRiverNetwork(db.pool, { direction: 'attribute', toleranceM: 10 });
    expect(report.cycles).toEqual([[1, 2, 3]]);
    expect(report.noOutlet).toEqual([1, 2, 3]);
    // 2 ends where both 3 and 4 start: flow splits, the lower id is kept.
    expect(report.bifurcations).toEqual([{ reaches: [3, 4], kept: 3 }]);
    expect(report.index.indexed).toBe(2);
  });

  it('reports a gap larger than the tolerance and the piece it cuts off', async () => {
    // 11 starts 55.7 m past the end of 10: beyond a 10 m tolerance, within the 200 m gap search.
    await lines(db, [[10, 'LINESTRING(0 0, 0.1 0)'], [11, 'LINESTRING(0.1005 0, 0.2 0)'], [12, 'LINESTRING(0.2 0, 0.3 0)']]);
    const report = await buildRiverNetwork(db.pool, { direction: 'attribute', toleranceM: 10, gapSearchM: 200 });
    expect(report.gaps).toEqual([{ reachA: 10, reachB: 11, distanceM: 55.7 }]);
    expect(report.danglingPieces.map((p) => p.sample)).toEqual([[10]]);
    // With a tolerance above the gap the same data joins up.
    const joined = await buildRiverNetwork(db.pool, { direction: 'attribute', toleranceM: 60 });
    expect(joined).toMatchObject({ gaps: [], danglingPieces: [], outlets: [12] });
  });

  it('reports an arc that starts and ends on one node as a self-loop and a cycle', async () => {
    await lines(db, [[1, 'LINESTRING(0 0, 0.1 0)'], [2, 'LINESTRING(0.1 0, 0.15 0.05, 0.2 0, 0.1 0)'], [3, 'LINESTRING(0.1 0, 0.2 -0.1)']]);
    const report = await buildRiverNetwork(db.pool, { direction: 'attribute', toleranceM: 10 });
    expect(report.selfLoops).toEqual([2]);
    expect(report.cycles).toContainEqual([2]);
  });

  it('orients reaches towards a declared outlet whatever their digitised direction, and lists pieces without one', async () => {
    await lines(db, [
      [1, 'LINESTRING(0.3 0, 0.2 0)'], [2, 'LINESTRING(0.2 0, 0.1 0)'], [3, 'LINESTRING(0.2 0.1, 0.2 0)'], [9, 'LINESTRING(2 2, 2.1 2)'],
    ]);
    const report = await buildRiverNetwork(db.pool, { direction: 'outlet', outlets: [1], toleranceM: 10 });
    const { rows } = await db.pool.query(`SELECT id::int, downstream_id::int AS down FROM river_reach ORDER BY id`);
    expect(rows).toEqual([{ id: 1, down: null }, { id: 2, down: 1 }, { id: 3, down: 1 }, { id: 9, down: null }]);
    expect(report.danglingPieces).toEqual([{ reaches: 1, sample: [9], atEdge: true }]);
    expect(report.noOutlet).toEqual([9]);
    const idx = await db.pool.query(`SELECT reach_id::int AS id, forward FROM network_reach WHERE reach_id IN (1, 2) ORDER BY reach_id`);
    expect(idx.rows).toEqual([{ id: 1, forward: false }, { id: 2, forward: false }]);
  });

  it('refuses an outlet build without outlets, or with an outlet that does not exist', async () => {
    await lines(db, [[1, 'LINESTRING(0 0, 0.1 0)']]);
    await expect(buildRiverNetwork(db.pool, { direction: 'outlet' })).rejects.toThrow(NetworkBuildError);
    await expect(buildRiverNetwork(db.pool, { direction: 'outlet', outlets: [7] })).rejects.toThrow('declared outlet reach 7 does not exist');
  });
});

describe.skipIf(!existsSync(PEARL))('the real Pearl River lines', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('network_pearl');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('builds a network and reports the real flaws: closed arcs and pieces cut off at the clip edge', async () => {
    const imported = await importFile(db.pool, { kind: 'river_reach', files: [PEARL], actor: 'test', mapping: { HYD2_4M_: 'id' } });
    expect(imported.rowsStored).toBe(160);
    const report = await buildRiverNetwork(db.pool, { direction: 'attribute', toleranceM: 50 });

    // Every arc whose first and last coordinates coincide in the file is reported as a self-loop.
    const features = JSON.parse(readFileSync(PEARL, 'utf8')).features as { properties: { HYD2_4M_: number }; geometry: { coordinates: number[][] } }[];
    const closed = features.filter((f) => {
      const c = f.geometry.coordinates;
      return c[0]![0] === c.at(-1)![0] && c[0]![1] === c.at(-1)![1];
    }).map((f) => f.properties.HYD2_4M_).sort((a, b) => a - b);
    expect(closed).toContain(400);
    expect(report.selfLoops).toEqual(expect.arrayContaining(closed));
    for (const id of closed) expect(report.cycles).toContainEqual([id]);

    // The clip leaves several pieces; some end on the edge of the data's extent.
    expect(report.danglingPieces.length).toBeGreaterThan(0);
    expect(report.danglingPieces.some((p) => p.atEdge)).toBe(true);
    // A dangling piece really touches nothing outside itself.
    const piece = report.danglingPieces[0]!;
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM river_reach a, river_reach b
        WHERE a.id = ANY($1::bigint[]) AND NOT (b.id = ANY($1::bigint[])) AND ST_DWithin(a.geom::geography, b.geom::geography, 50)
          AND (ST_DWithin(ST_StartPoint(a.geom)::geography, b.geom::geography, 50) OR ST_DWithin(ST_EndPoint(a.geom)::geography, b.geom::geography, 50))`,
      [piece.reaches <= 20 ? piece.sample : piece.sample.slice(0, 1)]);
    if (piece.reaches <= 20) expect(rows[0].n).toBe(0);
    expect(report.index.indexed + report.noOutlet.length).toBeGreaterThanOrEqual(160 - report.cycles.length);
    expect(report.outlets.length).toBeGreaterThan(0);
    if (process.env.YZT_PRINT_REPORT) console.log(JSON.stringify({ ...report, index: undefined }, null, 1));
  });
});
