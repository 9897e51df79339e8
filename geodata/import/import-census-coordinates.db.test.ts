import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { ItemsQuery, listFindings, runReview } from '../review/index.ts';
import { createTileService } from '../../tiles/tile-service.ts';
import { importFile } from './index.ts';
import { countRows, featureCollection, fixtureDir, seedNanshanZone } from './test-support/fixtures.ts';

/**
 * Issue 14, item 6: a census file's wrong coordinates are the census's to correct, so the
 * import stores them (entered text kept, the point they can be, none where none) and the
 * review lists each with its check and, where one exists, the fix. Zone ZA is 113.90-113.95 E,
 * 22.50-22.55 N in county 440305 (Nanshan).
 */

const HEADER = '普查编号,单位名称,污染源类型,普查小区代码,行政区划代码,经度,纬度';
const ROWS: Record<string, [string, string]> = {
  ok: ['113.921234', '22.521234'],
  swapped: ['22.531234', '113.931234'],
  range: ['1139.31234', '22.531234'],
  zero: ['0', '0'],
  empty: ['', ''],
  half: ['113.921234', ''],
  unreadable: [`113°65'12"`, '22.521234'],
  // 113°55'12.34" and 22°31'12.34" typed as decimals: re-read as 度分秒 they land in ZA.
  dms: ['113.551234', '22.311234'],
  // Hemisphere words name the axes the wrong way round: stored as typed, found as swapped.
  hemispheres: ['北纬22°31′30″', '东经113°55′30″'],
};

describe('wrong coordinates in a census file are stored and reach the review list', () => {
  let db: TestDatabase;
  const files = fixtureDir('census-coordinates');
  beforeAll(async () => {
    db = await openTestDatabase('import_census_coords');
    await seedNanshanZone(db.pool);
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  it('stores every row of a census CSV with swapped, out-of-range, zero, empty, unreadable and DMS-slipped coordinates, keeping the entered text', async () => {
    const cell = (v: string) => (v.includes('"') ? `"${v.replace(/"/g, '""')}"` : v);
    const lines = Object.entries(ROWS).map(([id, [x, y]]) => `C-${id},企业${id},工业源,ZA,440305,${cell(x)},${cell(y)}`);
    const report = await importFile(db.pool, { kind: 'source', files: [files.file('census.csv', [HEADER, ...lines].join('\n'))], actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsRead: 9, rowsStored: 9, rejected: 0, coordinatesToReview: 7 });
    const { rows } = await db.pool.query<{ census_id: string; entered_x: string | null; entered_y: string | null; x: number | null; y: number | null }>(
      `SELECT census_id, entered_x, entered_y, ST_X(geom) AS x, ST_Y(geom) AS y FROM source ORDER BY census_id`);
    const stored = Object.fromEntries(rows.map((r) => [r.census_id.slice(2), r]));
    for (const [id, [x, y]] of Object.entries(ROWS)) {
      expect([stored[id]!.entered_x, stored[id]!.entered_y], id).toEqual([x || null, y || null]);
    }
    expect([stored.swapped!.x, stored.swapped!.y]).toEqual([22.531234, 113.931234]);
    expect([stored.range!.x, stored.range!.y]).toEqual([1139.31234, 22.531234]);
    expect([stored.zero!.x, stored.zero!.y]).toEqual([0, 0]);
    expect(stored.hemispheres!.x).toBeCloseTo(22.525, 9);
    expect(stored.hemispheres!.y).toBeCloseTo(113.925, 9);
    for (const id of ['empty', 'half', 'unreadable']) expect(stored[id]!.x, id).toBeNull();
  });

  it('a GeoJSON of sources keeps its out-of-range points too', async () => {
    const path = files.file('points.geojson', featureCollection([
      { properties: { census_id: 'G-swapped', name: '企业G', source_type: 'industrial', zone_code: 'ZA', division_code: '440305' }, geometry: { type: 'Point', coordinates: [22.541234, 113.911234] } },
    ]));
    const report = await importFile(db.pool, { kind: 'source', files: [path], actor: 'test' });
    expect(report).toMatchObject({ rowsStored: 1, rejected: 0, coordinatesToReview: 1 });
  });

  it('the review run lists each wrong coordinate under its check, with the fix where the mistake has one', async () => {
    await runReview(db.pool, 'test');
    const page = await listFindings(db.pool, ItemsQuery.parse({ limit: 200 }));
    const byId = new Map<string, { check: string; fix: [number, number] | null; details: Record<string, unknown> }[]>();
    for (const item of page.items) {
      if (!item.censusId) continue;
      const fix = item.suggestedLon === null ? null : [Number(item.suggestedLon.toFixed(6)), Number(item.suggestedLat!.toFixed(6))] as [number, number];
      byId.set(item.censusId, [...(byId.get(item.censusId) ?? []), { check: item.checkCode, fix, details: item.details }]);
    }
    const only = (id: string) => {
      const coordinate = (byId.get(id) ?? []).filter((f) => f.check.startsWith('coord_') || ['swapped_lat_lon', 'dms_slip'].includes(f.check));
      expect(coordinate, `${id}: ${JSON.stringify(byId.get(id))}`).toHaveLength(1);
      return coordinate[0]!;
    };
    expect(byId.has('C-ok')).toBe(false);
    expect(only('C-swapped')).toMatchObject({ check: 'swapped_lat_lon', fix: [113.931234, 22.531234] });
    expect(only('G-swapped')).toMatchObject({ check: 'swapped_lat_lon', fix: [113.911234, 22.541234] });
    expect(only('C-hemispheres')).toMatchObject({ check: 'swapped_lat_lon', fix: [113.925, 22.525] });
    expect(only('C-range')).toMatchObject({ check: 'coord_out_of_range', fix: null, details: { x: 1139.31234, y: 22.531234 } });
    expect(only('C-zero')).toMatchObject({ check: 'coord_zero', fix: null });
    expect(only('C-empty')).toMatchObject({ check: 'coord_empty', fix: null, details: {} });
    expect(only('C-half')).toMatchObject({ check: 'coord_empty', details: { x: '113.921234' } });
    expect(only('C-unreadable')).toMatchObject({ check: 'coord_empty', details: { x: `113°65'12"`, y: '22.521234' } });
    const dms = only('C-dms');
    expect(dms.check).toBe('dms_slip');
    expect(dms.fix![0]).toBeCloseTo(113 + 55 / 60 + 12.34 / 3600, 6);
    expect(dms.fix![1]).toBeCloseTo(22 + 31 / 60 + 12.34 / 3600, 6);
  });

  it('the sources TileJSON and catalog take their bounds from valid points only, and tiles still draw', async () => {
    const tiles = await createTileService({ pool: db.pool, schema: db.schema, options: { cacheBytes: 0, pollMs: 60_000 } });
    try {
      // Valid points: C-ok (113.921234, 22.521234) and C-dms (113.551234, 22.311234); the
      // swapped, out-of-range and zero ones would stretch the box to latitude 113.9 and longitude 1139.
      const expected = [113.551234, 22.311234, 113.921234, 22.521234];
      const tj = (await tiles.tileJson('sources', 'http://test', {})) as { bounds: number[] };
      expect(tj.bounds.map((v) => Number(v.toFixed(6)))).toEqual(expected);
      const catalog = (await tiles.catalog('http://test')) as { layers: { id: string; bounds?: number[] }[] };
      expect(catalog.layers.find((l) => l.id === 'sources')!.bounds!.map((v) => Number(v.toFixed(6)))).toEqual(expected);
      // The world tile (aggregated cells) and the detail tile holding C-ok.
      for (const [z, x, y] of [[0, 0, 0], [14, 13376, 7139]] as const) {
        const tile = await tiles.tile({ layer: 'sources', z: String(z), x: String(x), y: String(y), query: {} });
        expect(tile.status, `tile ${z}/${x}/${y}`).toBe(200);
        expect(tile.bytes.length, `tile ${z}/${x}/${y}`).toBeGreaterThan(0);
      }
    } finally {
      await tiles.close();
    }
  });

  it('only a row that cannot be a source is refused: no census id, named by line and field', async () => {
    const before = await countRows(db.pool, 'source');
    const path = files.file('no-id.csv', [HEADER, 'C-next,企业next,工业源,ZA,440305,22.5,113.9', ',无编号企业,工业源,ZA,440305,113.92,22.52'].join('\n'));
    const report = await importFile(db.pool, { kind: 'source', files: [path], actor: 'test' });
    expect(report).toMatchObject({ rowsStored: 0, rejected: 1 });
    expect(report.errors).toEqual([expect.objectContaining({ line: 3, at: 'line 3', field: '普查编号', reason: 'is required but empty' })]);
    expect(await countRows(db.pool, 'source')).toBe(before);
  });
});
