import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { scopedPool } from '../access/index.ts';
import { deferIndexes } from '../db/deferred-indexes.ts';
import { featureDetail } from '../explore/feature-detail.ts';
import { searchFeatures } from '../explore/search.ts';
import { LAYERS } from '../model/layers.ts';
import { RECORD_KINDS } from '../model/vocabulary.ts';
import { attribute, setLang } from '../../web/src/i18n.ts';
import { SEEDED_ERROR_KINDS } from './errors.ts';
import { loadDemo, type DemoLoadResult } from './load-demo.ts';

const SOURCES = 5000;

describe('loading the demo region into PostGIS', () => {
  let db: TestDatabase;
  let result: DemoLoadResult;
  let indexesBefore: string[];
  const indexes = async () => (await db.pool.query<{ def: string }>(
    `SELECT indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('source', 'census_zone') ORDER BY indexname`)).rows.map((r) => r.def);
  beforeAll(async () => {
    db = await openTestDatabase('demo_load');
    indexesBefore = await indexes();
    result = await loadDemo(db.pool, { seed: 7, sources: SOURCES });
  });
  afterAll(() => db.close());

  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => (await db.pool.query(sql, params)).rows[0] as T;

  it('stores as many rows per table as loadDemo reports, all under one demo import batch', async () => {
    expect(result.counts.source).toBe(SOURCES);
    for (const [table, count] of Object.entries(result.counts)) {
      const stored = await one<{ n: string; batches: string }>(
        `SELECT count(*) AS n, count(DISTINCT import_batch) AS batches FROM ${table} WHERE import_batch = $1`, [result.importBatchId]);
      expect(Number(stored.n), table).toBe(count);
      expect(Number(stored.n), table).toBeGreaterThan(0);
    }
    const batch = await one<{ kind: string; format: string; actor: string; rows_stored: number }>(
      'SELECT kind, format, actor, rows_stored FROM import_batch WHERE id = $1', [result.importBatchId]);
    expect(batch).toMatchObject({ kind: 'demo', format: 'generator', actor: 'demo' });
    expect(batch.rows_stored).toBe(Object.values(result.counts).reduce((a, b) => a + b, 0));
  });

  it('builds the indexes of sources and zones it set aside for the load again, as the migrations define them', async () => {
    expect(indexesBefore.length).toBeGreaterThan(10);
    expect(await indexes()).toEqual(indexesBefore);
    // Into a table that holds rows, nothing is set aside.
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const rebuild = await deferIndexes(client, 'source');
      await rebuild();
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await indexes()).toEqual(indexesBefore);
    const { rows } = await db.pool.query<{ census_id: string; name: string }>(`SELECT census_id, name FROM source WHERE status = 'active' AND geom IS NOT NULL ORDER BY census_id LIMIT 1`);
    const hits = await searchFeatures(scopedPool(db.pool, '*'), rows[0]!.name);
    expect(hits.map((h) => h.id)).toContain(rows[0]!.census_id);
  });

  it('stores only valid geometries', async () => {
    for (const table of ['division', 'census_zone', 'basin', 'river_reach', 'outfall', 'section', 'air_station', 'source']) {
      const bad = await one<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE geom IS NOT NULL AND NOT ST_IsValid(geom)`);
      expect(Number(bad.n), table).toBe(0);
    }
  });

  it('nests every zone in its township and every township in its county exactly, in the demo code range', async () => {
    const zones = await one<{ outside: string; total: string }>(`
      SELECT count(*) FILTER (WHERE t.code IS NULL OR NOT ST_CoveredBy(z.geom, t.geom)) AS outside, count(*) AS total
      FROM census_zone z LEFT JOIN division t ON t.code = z.township_code AND t.level = 'township'`);
    expect(Number(zones.total)).toBeGreaterThan(150);
    expect(Number(zones.outside)).toBe(0);
    const townships = await one<{ outside: string; total: string }>(`
      SELECT count(*) FILTER (WHERE c.code IS NULL OR NOT ST_CoveredBy(t.geom, c.geom)) AS outside, count(*) AS total
      FROM division t LEFT JOIN division c ON c.code = t.parent_code AND c.level = 'county' WHERE t.level = 'township'`);
    expect(Number(townships.total)).toBeGreaterThan(10);
    expect(Number(townships.outside)).toBe(0);
    const codes = await one<{ bad: string }>(`
      SELECT count(*) AS bad FROM census_zone z
      WHERE z.code !~ '^99[0-9]{10}$' OR left(z.code, 9) <> z.township_code OR left(z.code, 6) <> z.county_code`);
    expect(Number(codes.bad)).toBe(0);
    // The counties tile the province: their areas add up to it, with no overlap.
    const tiling = await one<{ province: number; counties: number; overlap: number }>(`
      SELECT (SELECT ST_Area(geom) FROM division WHERE level = 'province') AS province,
             (SELECT sum(ST_Area(geom)) FROM division WHERE level = 'county') AS counties,
             (SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom))), 0) FROM division a JOIN division b
                ON a.level = 'county' AND b.level = 'county' AND a.code < b.code AND ST_Intersects(a.geom, b.geom)) AS overlap`);
    expect(tiling.counties).toBeCloseTo(tiling.province, 9);
    expect(tiling.overlap).toBeLessThan(1e-12);
    const counties = await one<{ outside: string }>(`
      SELECT count(*) FILTER (WHERE c.code IS NULL OR NOT ST_CoveredBy(t.geom, c.geom)) AS outside
      FROM division t LEFT JOIN division c ON c.code = t.parent_code WHERE t.level IN ('county', 'city')`);
    expect(Number(counties.outside)).toBe(0);
  });

  it('nests sub-basins in their basin', async () => {
    const basins = await one<{ outside: string; total: string }>(`
      SELECT count(*) FILTER (WHERE p.code IS NULL OR NOT ST_CoveredBy(b.geom, p.geom)) AS outside, count(*) AS total
      FROM basin b LEFT JOIN basin p ON p.code = b.parent_code WHERE b.level = 2`);
    expect(Number(basins.total)).toBeGreaterThan(0);
    expect(Number(basins.outside)).toBe(0);
  });

  it('places every section and outfall on its own reach', async () => {
    for (const table of ['section', 'outfall']) {
      const r = await one<{ off: string; total: string }>(`
        SELECT count(*) FILTER (WHERE r.id IS NULL OR ST_Distance(p.geom, r.geom) >= 1e-7) AS off, count(*) AS total
        FROM ${table} p LEFT JOIN river_reach r ON r.id = p.reach_id`);
      expect(Number(r.total), table).toBeGreaterThan(10);
      expect(Number(r.off), table).toBe(0);
    }
  });

  it('lays the region in China around the Pearl River Delta latitude', async () => {
    const box = await one<{ xmin: number; xmax: number; ymin: number; ymax: number }>(`
      SELECT ST_XMin(e) AS xmin, ST_XMax(e) AS xmax, ST_YMin(e) AS ymin, ST_YMax(e) AS ymax
      FROM (SELECT ST_Extent(geom)::geometry AS e FROM division WHERE level = 'province') s`);
    expect(box.xmin).toBeGreaterThanOrEqual(112.9);
    expect(box.xmax).toBeLessThanOrEqual(113.9);
    expect(box.ymin).toBeGreaterThanOrEqual(22.2);
    expect(box.ymax).toBeLessThanOrEqual(23.1);
  });

  it('seeds about 3% coordinate errors of every kind, and puts every other source inside its declared zone', async () => {
    const share = result.seededErrors.length / SOURCES;
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.04);
    expect(new Set(result.seededErrors.map((e) => e.kind))).toEqual(new Set(SEEDED_ERROR_KINDS));
    const erroneous = result.seededErrors.map((e) => e.census_id);
    const clean = await one<{ outside: string; total: string }>(`
      SELECT count(*) FILTER (WHERE z.code IS NULL OR s.geom IS NULL OR NOT ST_Intersects(z.geom, s.geom)) AS outside, count(*) AS total
      FROM source s LEFT JOIN census_zone z ON z.code = s.zone_code
      WHERE NOT (s.census_id = ANY($1::text[]))`, [erroneous]);
    expect(Number(clean.total)).toBe(SOURCES - erroneous.length);
    expect(Number(clean.outside)).toBe(0);
    // The declared township is the zone's township.
    const mismatched = await one<{ n: string }>(`
      SELECT count(*) AS n FROM source s JOIN census_zone z ON z.code = s.zone_code WHERE z.township_code <> s.division_code`);
    expect(Number(mismatched.n)).toBe(0);
    // Errors that move a point out of its zone do so in the database too.
    const moved = await one<{ inside: string; total: string }>(`
      SELECT count(*) FILTER (WHERE ST_Intersects(z.geom, s.geom)) AS inside, count(*) AS total
      FROM source s JOIN census_zone z ON z.code = s.zone_code WHERE s.census_id = ANY($1::text[])`,
      [result.seededErrors.filter((e) => ['zero_coordinates', 'swapped_lat_lon', 'outside_declared_zone', 'out_of_range'].includes(e.kind)).map((e) => e.census_id)]);
    expect(Number(moved.total)).toBeGreaterThan(0);
    expect(Number(moved.inside)).toBe(0);
    const empty = await one<{ n: string }>(`SELECT count(*) AS n FROM source WHERE census_id = ANY($1::text[]) AND geom IS NULL AND entered_x = ''`,
      [result.seededErrors.filter((e) => e.kind === 'empty_coordinates').map((e) => e.census_id)]);
    expect(Number(empty.n)).toBe(result.seededErrors.filter((e) => e.kind === 'empty_coordinates').length);
  });

  it('links sources to existing outfalls and treatment facilities', async () => {
    const dangling = await one<{ outfalls: string; facilities: string; linked: string }>(`
      SELECT count(*) FILTER (WHERE s.outfall_code IS NOT NULL AND o.code IS NULL) AS outfalls,
             count(*) FILTER (WHERE s.facility_census_id IS NOT NULL AND (f.census_id IS NULL OR f.source_type <> 'centralized')) AS facilities,
             count(*) FILTER (WHERE s.facility_census_id IS NOT NULL) AS linked
      FROM source s LEFT JOIN outfall o ON o.code = s.outfall_code LEFT JOIN source f ON f.census_id = s.facility_census_id`);
    expect(dangling).toMatchObject({ outfalls: '0', facilities: '0' });
    expect(Number(dangling.linked)).toBeGreaterThan(0);
  });

  it('gives every attribute the detail panel lists, on every layer, a label in Chinese and in English', async () => {
    // setLang marks the page's language; here there is no page.
    (globalThis as { document?: unknown }).document ??= { documentElement: {} };
    const unlabelled: string[] = [];
    for (const kind of RECORD_KINDS) {
      const spec = LAYERS[kind];
      const key = await one<{ k: string } | undefined>(`SELECT ${spec.key}::text AS k FROM ${spec.table} ORDER BY 1 LIMIT 1`);
      expect(key, kind).toBeDefined();
      const detail = await featureDetail(db.pool, kind, key!.k);
      for (const lang of ['zh', 'en'] as const) {
        setLang(lang);
        for (const name of Object.keys(detail!.properties)) if (attribute(name, null).label === name) unlabelled.push(`${kind}.${name} (${lang})`);
      }
    }
    setLang('zh');
    expect(unlabelled).toEqual([]);
  });
});
