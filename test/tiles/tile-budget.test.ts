import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows } from '../../geodata/db/bulk-insert.ts';
import { LAYERS } from '../../geodata/model/layers.ts';
import { tileAt, type TileAddress } from '../../tiles/tile-address.ts';
import { createTileService, detailBudget, type TileService } from '../../tiles/tile-service.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { AREA, loadFixture, tileUnits, type FixtureSource } from './fixture.ts';
import { decodeTile, features, type DecodedFeature } from './tile-client.ts';

// The two rules added for the tile-size and low-zoom targets: a detail tile over its byte
// budget comes back as fine cells, and unfiltered grid cells come from the pre-aggregated
// source_cell table (migration 004), which must agree with aggregating on the fly after
// every kind of change.
let db: TestDatabase;
let sources: FixtureSource[];
const services: TileService[] = [];
const BUDGET = 16 * 1024;

beforeAll(async () => {
  db = await openTestDatabase('tile_budget');
  sources = await loadFixture(db.pool);
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  await db?.close();
});

async function service(options: Parameters<typeof createTileService>[0]['options']): Promise<TileService> {
  const s = await createTileService({ pool: db.pool, schema: db.schema, options: { cacheBytes: 0, pollMs: 600_000, ...options } });
  services.push(s);
  return s;
}

async function tile(s: TileService, t: TileAddress, query: Record<string, unknown> = {}) {
  const res = await s.tile({ layer: 'sources', z: String(t.z), x: String(t.x), y: String(t.y), query });
  return { bytes: res.bytes, layers: decodeTile(res.bytes) };
}

/** Sources in the tile proper (what cells count), not deleted. */
function countedIn(t: TileAddress): FixtureSource[] {
  return sources.filter((s) => {
    if (s.status === 'deleted') return false;
    const [px, py] = tileUnits(s.lon, s.lat, t);
    return px >= 0 && px < 4096 && py >= 0 && py < 4096;
  });
}

function byCell(cells: DecodedFeature[]): Map<number, DecodedFeature> {
  return new Map(cells.map((c) => [c.id!, c]));
}

/** Same cells (ids), same counts and sums, positions within a rounding unit. */
function expectSameCells(stored: DecodedFeature[], onTheFly: DecodedFeature[]) {
  const a = byCell(stored);
  const b = byCell(onTheFly);
  expect([...a.keys()].sort((x, y) => x - y)).toEqual([...b.keys()].sort((x, y) => x - y));
  for (const [id, cell] of a) {
    const other = b.get(id)!;
    expect(cell.properties.count).toBe(other.properties.count);
    for (const p of ['cod', 'nh3n', 'so2']) expect(Number(cell.properties[p])).toBeCloseTo(Number(other.properties[p]), 6);
    expect(Math.abs(cell.geometry[0]![0]!.x - other.geometry[0]![0]!.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(cell.geometry[0]![0]!.y - other.geometry[0]![0]!.y)).toBeLessThanOrEqual(1);
  }
}

describe('sources tile budget', () => {
  it('serves a detail tile that would exceed its byte budget as fine cells adding up to its sources', async () => {
    const s = await service({ detailZoom: 12, maxTileBytes: BUDGET });
    const { maxFeatures, fineCellSize } = detailBudget(BUDGET);
    const t = tileAt((AREA.west + AREA.east) / 2, (AREA.south + AREA.north) / 2, 12);
    const counted = countedIn(t);
    expect(counted.length).toBeGreaterThan(maxFeatures);
    const res = await tile(s, t);
    expect(Object.keys(res.layers)).toEqual(['source_cells']);
    const cells = features(res.layers.source_cells);
    expect(cells.reduce((a, c) => a + Number(c.properties.count), 0)).toBe(counted.length);
    expect(cells.reduce((a, c) => a + Number(c.properties.cod), 0)).toBeCloseTo(counted.reduce((a, x) => a + x.cod, 0), 6);
    expect(cells.length).toBeLessThanOrEqual((4096 / fineCellSize) ** 2);
    expect(res.bytes.length).toBeLessThanOrEqual(BUDGET);
    // With the default budget the same tile holds its sources one by one.
    const roomy = await service({ detailZoom: 12 });
    expect(Object.keys((await tile(roomy, t)).layers)).toEqual(['sources']);
  });

  it('keeps a detail tile within its budget as individual sources, and counts only what the filters keep', async () => {
    const s = await service({ detailZoom: 12, maxTileBytes: BUDGET });
    const t = tileAt((AREA.west + AREA.east) / 2, (AREA.south + AREA.north) / 2, 14);
    const res = await tile(s, t);
    expect(Object.keys(res.layers)).toEqual(['sources']);
    expect(res.bytes.length).toBeLessThanOrEqual(BUDGET);
    // The z12 tile is over budget unfiltered; one source type in four fits and is individual.
    const big = tileAt((AREA.west + AREA.east) / 2, (AREA.south + AREA.north) / 2, 12);
    const filtered = await tile(s, big, { type: 'domestic' });
    const expected = countedIn(big).filter((x) => x.source_type === 'domestic');
    if (expected.length <= detailBudget(BUDGET).maxFeatures) {
      expect(Object.keys(filtered.layers)).toEqual(['sources']);
    } else {
      const cells = features(filtered.layers.source_cells);
      expect(cells.reduce((a, c) => a + Number(c.properties.count), 0)).toBe(expected.length);
    }
  });
});

describe('census-unit tiles over the budget', () => {
  it('answer with the next coarser unit that fits, with counts still adding up', async () => {
    const t = tileAt(114.0, 22.65, 9);
    const roomy = await service({});
    const zones = await tile(roomy, t, { agg: 'zone' });
    const townships = await tile(roomy, t, { agg: 'township' });
    expect(townships.bytes.length).toBeLessThan(zones.bytes.length);
    // A budget between the two sizes: zones do not fit, townships do.
    const budget = Math.floor((zones.bytes.length + townships.bytes.length) / 2);
    const tight = await service({ maxTileBytes: budget });
    const res = await tile(tight, t, { agg: 'zone' });
    expect(res.bytes.length).toBeLessThanOrEqual(budget);
    const cells = features(res.layers.source_cells);
    expect(new Set(cells.map((c) => String(c.properties.code).length))).toEqual(new Set([9]));
    expect(cells.map((c) => c.properties.code).sort()).toEqual(features(townships.layers.source_cells).map((c) => c.properties.code).sort());
    expect(cells.reduce((a, c) => a + Number(c.properties.count), 0)).toBe(countedIn(t).length);
  });
});

describe('pre-aggregated source cells', () => {
  const lowTiles = () => [3, 5, 6, 8, 9, 10, 11, 12].flatMap((z) => {
    const a = tileAt(AREA.west + 0.01, AREA.north - 0.01, z);
    const b = tileAt(AREA.east - 0.01, AREA.south + 0.01, z);
    return a.x === b.x && a.y === b.y ? [a] : [a, b];
  });

  // Type filters the stored type cells answer (z <= 9 with the default cell), one or several types.
  const TYPE_FILTERS = ['industrial', 'agricultural,domestic', 'centralized,industrial,mobile,other'];

  async function compareAll() {
    const stored = await service({ storedCells: true });
    const live = await service({ storedCells: false });
    for (const t of lowTiles()) {
      const plan = await stored.statementFor('sources', t, {});
      expect(plan.statement.text).toContain('source_cell c');
      const a = features((await tile(stored, t)).layers.source_cells);
      const b = features((await tile(live, t)).layers.source_cells);
      expect(a.length).toBeGreaterThan(0);
      expectSameCells(a, b);
      expect(a.reduce((n, c) => n + Number(c.properties.count), 0)).toBe(countedIn(t).length);
      for (const type of TYPE_FILTERS) {
        const typed = await stored.statementFor('sources', t, { type });
        expect(typed.statement.text.includes('source_type_cell c')).toBe(t.z <= 9);
        const types = type.split(',');
        const c = features((await tile(stored, t, { type })).layers.source_cells);
        expectSameCells(c, features((await tile(live, t, { type })).layers.source_cells));
        expect(c.reduce((n, x) => n + Number(x.properties.count), 0)).toBe(countedIn(t).filter((x) => types.includes(x.source_type)).length);
      }
    }
  }

  it('gives the same cells as aggregating on the fly at every low zoom', async () => {
    await compareAll();
  });

  it('aggregates on the fly when a filter other than the type is set, and no stored path is used', async () => {
    const s = await service({});
    const t = tileAt(114.0, 22.65, 9);
    for (const query of [{ type: 'industrial', industry: '26' }, { industry: '26' }, { status: 'active' }, { agg: 'county' }, { pollutant: 'cod', min: '1' }]) {
      expect((await s.statementFor('sources', t, query)).statement.text).not.toMatch(/source(_type)?_cell c/);
    }
    expect((await s.statementFor('sources', tileAt(114.0, 22.65, 10), { type: 'industrial' })).statement.text).not.toMatch(/source(_type)?_cell c/);
    const cells = features((await tile(s, t, { type: 'industrial', industry: '26' })).layers.source_cells);
    expect(cells.reduce((n, c) => n + Number(c.properties.count), 0))
      .toBe(countedIn(t).filter((x) => x.source_type === 'industrial' && x.industry_code.startsWith('26')).length);
  });

  it('follows inserts, moves, emission edits, deletion by status and by row, renames and truncation', async () => {
    const added = Array.from({ length: 40 }, (_, i) => ({
      census_id: `ADD${i}`, name: `新增${i}`, credit_code: null, source_type: 'industrial', industry_code: '2611',
      zone_code: '44030500101', division_code: '440305001', geom: { type: 'Point' as const, coordinates: [113.85 + i * 0.005, 22.55 + i * 0.003] },
      entered_x: null, entered_y: null, entered_crs: 'wgs84', outfall_code: null, facility_census_id: null,
      cod: 5, nh3n: 1, tn: null, tp: null, so2: 2, nox: null, pm: null, vocs: null, status: 'active',
    }));
    const client = await db.pool.connect();
    try {
      await insertRows(client, LAYERS.source, added, null);
    } finally {
      client.release();
    }
    const { rows } = await db.pool.query<{ id: string; census_id: string }>(`SELECT id::text, census_id FROM source WHERE census_id LIKE 'ADD%' ORDER BY id`);
    for (const r of rows) {
      const i = Number(r.census_id.slice(3));
      sources.push({
        id: Number(r.id), census_id: r.census_id, name: `新增${i}`, source_type: 'industrial', industry_code: '2611',
        division_code: '440305001', zone_code: '44030500101', lon: 113.85 + i * 0.005, lat: 22.55 + i * 0.003, cod: 5, nh3n: 1, so2: 2, status: 'active',
      });
    }
    await compareAll();

    const edit = async (sql: string, id: number, apply: (s: FixtureSource) => void) => {
      await db.pool.query(sql, [id]);
      apply(sources.find((s) => s.id === id)!);
    };
    await edit(`UPDATE source SET geom = ST_SetSRID(ST_MakePoint(114.15, 22.75), 4326) WHERE id = $1`, 10, (s) => { s.lon = 114.15; s.lat = 22.75; });
    await edit(`UPDATE source SET cod = 999 WHERE id = $1`, 11, (s) => { s.cod = 999; });
    await edit(`UPDATE source SET status = 'deleted' WHERE id = $1`, 12, (s) => { s.status = 'deleted'; });
    await edit(`UPDATE source SET status = 'active' WHERE id = $1`, 50, (s) => { s.status = 'active'; });
    await edit(`UPDATE source SET name = '改名' WHERE id = $1`, 13, (s) => { s.name = '改名'; });
    await edit(`UPDATE source SET source_type = 'agricultural' WHERE id = $1`, 15, (s) => { s.source_type = 'agricultural'; });
    await db.pool.query(`DELETE FROM source WHERE id = 14`);
    sources = sources.filter((s) => s.id !== 14);
    await compareAll();

    await db.pool.query('TRUNCATE source');
    const left = await db.pool.query<{ n: string }>('SELECT coalesce(sum(n), 0)::text AS n FROM source_cell');
    expect(left.rows[0]!.n).toBe('0');
    const leftTyped = await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM source_type_cell');
    expect(leftTyped.rows[0]!.n).toBe('0');
    const s = await service({});
    expect(Object.keys((await tile(s, tileAt(114.0, 22.65, 6))).layers)).toEqual([]);
  });
});
