import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Point, Polygon } from 'geojson';
import type pg from 'pg';
import { createRng, type Rng } from '../../geodata/demo/random.ts';
import { fromWgs84, toWgs84 } from '../../geodata/demo/datum-shift.ts';
import { dmsDigits } from '../../geodata/demo/errors.ts';
import { insertRows } from '../../geodata/db/bulk-insert.ts';
import { LAYERS, type Row } from '../../geodata/model/layers.ts';
import type { CheckCode } from '../../geodata/review/check-catalog.ts';

/**
 * A labelled test set on real boundaries: the Shenzhen and Zhengzhou districts become county
 * divisions, cut into census zones by a 0.02° grid; sources are placed correctly (some a few
 * metres inside a zone edge) or with one seeded mistake of every kind, and the expected
 * findings are recorded as the mistake is made. Each mistake is drawn until it is
 * recognisable by its definition (e.g. a GCJ-02 shift that actually leaves the zone).
 */
export const REAL_DIR = process.env.YZT_REAL_GEODATA ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'geodata', 'real');
export const hasRealData = existsSync(join(REAL_DIR, 'shenzhen-districts.geojson'));

/** Subject key ('source:<census_id>', 'outfall:<code>', 'import_batch:<id>', 'division:<code>') → expected checks. */
export type Truth = Map<string, Set<CheckCode>>;

export interface LabelledSet {
  readonly truth: Truth;
  /** Census ids of the correct sources placed within a few metres of a zone edge. */
  readonly nearBoundary: string[];
  /** census_id → source id in the database. */
  readonly ids: Map<string, number>;
  readonly batches: { main: number; gcj: number; dms: number };
  readonly counts: { sources: number; zones: number };
}

interface Zone { code: string; county: string; geom: Polygon | MultiPolygon; bbox: number[] }

export async function buildLabelledSet(pool: pg.Pool, seed = 7): Promise<LabelledSet> {
  const rng = createRng(seed, 'labelled-review-set');
  const districts = [
    ...readCollection<Polygon | MultiPolygon>('shenzhen-districts.geojson').features,
    ...readCollection<Polygon | MultiPolygon>('zhengzhou-districts.geojson').features,
  ];
  const rivers = readCollection<LineString>('pearl-rivers-gd.geojson').features;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await insertRows(client, LAYERS.division, districts.map((f) => ({
      code: String(f.properties!.code), name: String(f.properties!.name), level: 'county',
      parent_code: String(f.properties!.code).slice(0, 4) + '00', geom: f.geometry,
    })), null);
    // The published boundaries are quantised and self-intersect here and there; zones are cut
    // from repaired copies (the checks themselves work on the stored polygons as they are).
    await client.query(`UPDATE division SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))`);
    await client.query(`
      INSERT INTO census_zone (code, name, township_code, county_code, geom)
      SELECT d.code || lpad((row_number() OVER (PARTITION BY d.code ORDER BY g.i, g.j))::text, 4, '0'), d.name || '小区', NULL, d.code,
             ST_Multi(ST_CollectionExtract(ST_Intersection(d.geom, g.geom), 3))
      FROM division d CROSS JOIN LATERAL ST_SquareGrid(0.02, d.geom) g
      WHERE ST_Intersects(d.geom, g.geom) AND ST_Area(ST_CollectionExtract(ST_Intersection(d.geom, g.geom), 3)) > 1e-6`);
    await insertRows(client, LAYERS.river_reach, rivers.map((f, i) => ({ id: i + 1, name: String(f.properties!.NAME ?? ''), geom: f.geometry })), null);
    const batch = async (actor: string) =>
      Number((await client.query<{ id: string }>(`INSERT INTO import_batch (kind, format, actor) VALUES ('source', 'csv', $1) RETURNING id`, [actor])).rows[0]!.id);
    const batches = { main: await batch('张三'), gcj: await batch('李四'), dms: await batch('王五') };
    const zones = (await client.query<{ code: string; county: string; g: string }>(
      'SELECT code, county_code AS county, ST_AsGeoJSON(geom) AS g FROM census_zone ORDER BY code')).rows
      .map((r) => { const geom = JSON.parse(r.g) as MultiPolygon; return { code: r.code, county: r.county, geom, bbox: turf.bbox(geom) }; });
    const centroids = new Map((await client.query<{ code: string; x: number; y: number }>(
      'SELECT code, ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y FROM division')).rows.map((r) => [r.code, [r.x, r.y] as [number, number]]));
    const made = makeSources(rng, zones, districts, centroids, rivers, batches);
    await insertRows(client, LAYERS.outfall, made.outfalls, null);
    for (const [b, rows] of made.sourcesByBatch) {
      for (let i = 0; i < rows.length; i += 2000) await insertRows(client, LAYERS.source, rows.slice(i, i + 2000), b);
    }
    await client.query('COMMIT');
    const ids = new Map((await pool.query<{ id: string; census_id: string }>('SELECT id, census_id FROM source')).rows.map((r) => [r.census_id, Number(r.id)]));
    const sources = [...made.sourcesByBatch.values()].reduce((n, r) => n + r.length, 0);
    return { truth: made.truth, nearBoundary: made.nearBoundary, ids, batches, counts: { sources, zones: zones.length } };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

function readCollection<G extends Polygon | MultiPolygon | LineString>(name: string): FeatureCollection<G> {
  return JSON.parse(readFileSync(join(REAL_DIR, name), 'utf8')) as FeatureCollection<G>;
}

const SIX = (v: number) => v.toFixed(6);

function makeSources(
  rng: Rng,
  zones: Zone[],
  districts: Feature<Polygon | MultiPolygon>[],
  centroids: Map<string, [number, number]>,
  rivers: Feature<LineString>[],
  batches: { main: number; gcj: number; dms: number },
) {
  const truth: Truth = new Map();
  const nearBoundary: string[] = [];
  const sourcesByBatch = new Map<number, Row[]>([[batches.main, []], [batches.gcj, []], [batches.dms, []]]);
  const outfalls: Row[] = [];
  let n = 0;
  const inZone = (z: Zone, p: [number, number]) => turf.booleanPointInPolygon(p, z.geom);
  const inAnyDistrict = (p: [number, number]) => districts.some((d) => turf.booleanPointInPolygon(p, d.geometry));
  const randomIn = (z: Zone): [number, number] => {
    for (;;) {
      const p: [number, number] = [rng.range(z.bbox[0]!, z.bbox[2]!), rng.range(z.bbox[1]!, z.bbox[3]!)];
      if (inZone(z, p)) return p;
    }
  };
  const anyZone = () => zones[rng.int(zones.length)]!;
  const add = (
    zone: Zone | null, x: string, y: string, checks: CheckCode[],
    extra: Partial<Row> = {}, batch = batches.main,
  ): string => {
    const censusId = `R${String(++n).padStart(5, '0')}`;
    const geom = x === '' ? null : ({ type: 'Point', coordinates: [Number(x), Number(y)] } as Point);
    sourcesByBatch.get(batch)!.push({
      census_id: censusId, name: `测试企业${n}`, source_type: 'industrial', industry_code: '2614',
      zone_code: zone?.code ?? null, division_code: zone?.county ?? null, geom, entered_x: x, entered_y: y, entered_crs: 'cgcs2000',
      status: 'active', ...extra,
    });
    truth.set(`source:${censusId}`, new Set(checks));
    return censusId;
  };
  // Draws until `make` returns a value (the mistake is recognisable), zone by zone.
  const until = <T>(make: (z: Zone) => T | null): [Zone, T] => {
    for (;;) {
      const z = anyZone();
      const r = make(z);
      if (r !== null) return [z, r];
    }
  };

  for (let i = 0; i < 1500; i++) {
    const z = anyZone();
    const p = randomIn(z);
    if (nearCentroid(p, z, centroids)) { i--; continue; }
    add(z, SIX(p[0]), SIX(p[1]), []);
  }
  // Correct points within 1-5 m inside a zone edge (on the zone's side of it).
  for (let i = 0; i < 150; i++) {
    const [z, p] = until((zone) => pointJustInside(rng, zone));
    if (nearCentroid(p, z, centroids)) { i--; continue; }
    nearBoundary.push(add(z, SIX(p[0]), SIX(p[1]), []));
  }
  const K = 60;
  for (let i = 0; i < K; i++) { const z = anyZone(); const p = randomIn(z); add(z, SIX(p[1]), SIX(p[0]), ['swapped_lat_lon']); }
  for (let i = 0; i < K; i++) add(anyZone(), '0', '0', ['coord_zero']);
  for (let i = 0; i < K; i++) add(anyZone(), '', '', ['coord_empty']);
  for (let i = 0; i < K; i++) {
    const z = anyZone(); const p = randomIn(z);
    if (rng.chance(0.5)) add(z, (p[0] * 10).toFixed(5), SIX(p[1]), ['coord_out_of_range']);
    else add(z, SIX(p[0]), (p[1] * 10).toFixed(5), ['coord_out_of_range']);
  }
  for (let i = 0; i < K; i++) add(anyZone(), SIX(rng.range(90, 100)), SIX(rng.range(40, 45)), ['outside_region']);
  const dmsCase = (z: Zone): [string, string] | null => {
    const p = randomIn(z);
    const x = dmsDigits(p[0]); const y = dmsDigits(p[1]);
    const back: [number, number] = [reread(x), reread(y)];
    return inZone(z, back) && !inZone(z, [Number(x), Number(y)]) ? [x, y] : null;
  };
  for (let i = 0; i < K; i++) { const [z, [x, y]] = until(dmsCase); add(z, x, y, ['dms_slip']); }
  const datumCase = (crs: 'gcj02' | 'bd09') => (z: Zone): [number, number] | null => {
    const p = randomIn(z);
    const s = fromWgs84(p[0], p[1], crs);
    // A shift the other datum would also explain is ambiguous for one source: not labelled.
    const other = toWgs84(s[0], s[1], crs === 'gcj02' ? 'bd09' : 'gcj02');
    return inZone(z, s) || inZone(z, other) ? null : s;
  };
  for (let i = 0; i < K; i++) { const [z, s] = until(datumCase('gcj02')); add(z, SIX(s[0]), SIX(s[1]), ['gcj02_as_wgs84']); }
  for (let i = 0; i < K; i++) { const [z, s] = until(datumCase('bd09')); add(z, SIX(s[0]), SIX(s[1]), ['bd09_as_wgs84']); }
  // Elsewhere in the same district, then in another district.
  for (let i = 0; i < K; i++) {
    const z = anyZone();
    const others = zones.filter((o) => o.county === z.county && o.code !== z.code && farFrom(o, z));
    if (others.length === 0) { i--; continue; }
    const p = randomIn(others[rng.int(others.length)]!);
    add(z, SIX(p[0]), SIX(p[1]), ['outside_declared_zone']);
  }
  for (let i = 0; i < K; i++) {
    const z = anyZone();
    const others = zones.filter((o) => o.county !== z.county && o.county.slice(0, 4) === z.county.slice(0, 4));
    const p = randomIn(others[rng.int(others.length)]!);
    add(z, SIX(p[0]), SIX(p[1]), ['outside_declared_zone', 'outside_declared_division']);
  }
  // In no polygon at all: areas the 2016 boundaries lack (declared in a district that does
  // not exist in them, like 光明区 440311), and points typed into such gaps for a known zone.
  const shenzhen = zones.filter((z) => z.county.startsWith('4403'));
  const [w, s, e, nn] = [113.75, 22.45, 114.62, 22.86];
  const gap = (): [number, number] => { for (;;) { const p: [number, number] = [rng.range(w, e), rng.range(s, nn)]; if (!inAnyDistrict(p)) return p; } };
  for (let i = 0; i < K / 2; i++) {
    const p = gap();
    add(null, SIX(p[0]), SIX(p[1]), ['in_no_zone', 'declared_area_unknown'], { division_code: '440311' });
  }
  for (let i = 0; i < K / 2; i++) {
    const p = gap();
    add(shenzhen[rng.int(shenzhen.length)]!, SIX(p[0]), SIX(p[1]), ['outside_declared_zone', 'outside_declared_division', 'in_no_zone']);
  }
  // Stacks of 5 unrelated sources on one address point.
  for (let st = 0; st < 12; st++) {
    const p = randomIn(anyZone());
    for (let i = 0; i < 5; i++) add(anyZone(), SIX(p[0]), SIX(p[1]), ['stacked_point']);
  }
  for (let i = 0; i < K; i++) {
    const z = anyZone();
    const c = centroids.get(z.county)!;
    add(z, SIX(c[0]), SIX(c[1]), ['division_centroid']);
  }
  for (let i = 0; i < K; i++) {
    const [z, p] = until((zone) => { const q = randomIn(zone); const r: [number, number] = [Number(q[0].toFixed(2)), Number(q[1].toFixed(2))]; return inZone(zone, r) ? r : null; });
    add(z, p[0].toFixed(2), p[1].toFixed(2), ['low_precision']);
  }
  // Outfalls: next to rivers or well away from them; sources draining to a near or far one.
  const riverDistanceM = (p: [number, number]) => Math.min(...rivers.map((r) => turf.pointToLineDistance(p, r, { units: 'meters' })));
  for (let i = 0; i < 60; i++) {
    const r = rivers[rng.int(rivers.length)]!;
    const v = r.geometry.coordinates[rng.int(r.geometry.coordinates.length)]!;
    const far = i % 3 === 0;
    const off = far ? rng.range(0.05, 0.15) : rng.range(0, 0.004);
    const p: [number, number] = [v[0]! + off * (rng.chance(0.5) ? 1 : -1), v[1]! + off * (rng.chance(0.5) ? 1 : -1)];
    const code = `OF-R${i}`;
    outfalls.push({ code, name: code, geom: { type: 'Point', coordinates: p } });
    if (riverDistanceM(p) > 1000) truth.set(`outfall:${code}`, new Set(['outfall_far_from_river']));
  }
  for (let i = 0; i < K; i++) {
    const z = anyZone();
    const p = randomIn(z);
    const far = i % 2 === 0;
    const d = far ? rng.range(0.2, 0.4) : rng.range(0.002, 0.02);
    const o: [number, number] = [p[0] + d, p[1]];
    const code = `OF-S${i}`;
    outfalls.push({ code, name: code, geom: { type: 'Point', coordinates: o } });
    if (riverDistanceM(o) > 1000) truth.set(`outfall:${code}`, new Set(['outfall_far_from_river']));
    if (nearCentroid(p, z, centroids)) { i--; outfalls.pop(); truth.delete(`outfall:${code}`); continue; }
    add(z, SIX(p[0]), SIX(p[1]), far ? ['source_far_from_outfall'] : [], { outfall_code: code });
  }
  // An uploader's batch mostly typed in GCJ-02, and a batch typed entirely in degree-minutes.
  for (let i = 0; i < 20; i++) {
    if (i < 14) { const [z, s2] = until(datumCase('gcj02')); add(z, SIX(s2[0]), SIX(s2[1]), ['gcj02_as_wgs84'], {}, batches.gcj); }
    else { const z = anyZone(); const p = randomIn(z); if (nearCentroid(p, z, centroids)) { i--; continue; } add(z, SIX(p[0]), SIX(p[1]), [], {}, batches.gcj); }
  }
  truth.set(`import_batch:${batches.gcj}`, new Set(['datum_batch_pattern']));
  for (let i = 0; i < 15; i++) { const [z, [x, y]] = until(dmsCase); add(z, x, y, ['dms_slip'], {}, batches.dms); }
  truth.set(`import_batch:${batches.dms}`, new Set(['dms_batch_pattern']));
  // Any point shared by 4 or more names is a stack by definition, whatever put them there
  // (several sources typed on their district's centroid are both).
  const byPoint = new Map<string, string[]>();
  for (const rows of sourcesByBatch.values()) {
    for (const r of rows) {
      if (!r.geom || Number(r.entered_x) === 0 || Number(r.entered_y) === 0) continue;
      const k = `${Number(r.entered_x)} ${Number(r.entered_y)}`;
      byPoint.set(k, [...(byPoint.get(k) ?? []), String(r.census_id)]);
    }
  }
  for (const ids of byPoint.values()) if (ids.length >= 4) for (const id of ids) truth.get(`source:${id}`)!.add('stacked_point');
  // District datum patterns follow from the labels by the pattern's own rule (>= 5 and >= 20%).
  const perCounty = new Map<string, { n: number; shifted: number }>();
  for (const rows of sourcesByBatch.values()) {
    for (const r of rows) {
      if (!r.geom || !r.division_code || Number(r.entered_x) === 0) continue;
      const c = perCounty.get(String(r.division_code)) ?? { n: 0, shifted: 0 };
      c.n++;
      const t = truth.get(`source:${r.census_id}`)!;
      if (t.has('gcj02_as_wgs84') || t.has('bd09_as_wgs84')) c.shifted++;
      perCounty.set(String(r.division_code), c);
    }
  }
  for (const [county, c] of perCounty) if (c.shifted >= 5 && c.shifted / c.n >= 0.2) truth.set(`division:${county}`, new Set(['datum_batch_pattern']));
  return { truth, nearBoundary, sourcesByBatch, outfalls };
}

function reread(text: string): number {
  const [d, f = ''] = text.split('.');
  const digits = f.padEnd(4, '0');
  return Number(d) + Number(digits.slice(0, 2)) / 60 + Number(`${digits.slice(2, 4)}.${digits.slice(4)}`) / 3600;
}

function nearCentroid(p: [number, number], z: Zone, centroids: Map<string, [number, number]>): boolean {
  const c = centroids.get(z.county);
  return !!c && turf.distance(p, c, { units: 'meters' }) < 100;
}

function farFrom(a: Zone, b: Zone): boolean {
  return a.bbox[0]! > b.bbox[2]! + 0.01 || a.bbox[2]! < b.bbox[0]! - 0.01 || a.bbox[1]! > b.bbox[3]! + 0.01 || a.bbox[3]! < b.bbox[1]! - 0.01;
}

/** A point 1-5 m inside one of the zone's edges, or null if that spot is not inside. */
function pointJustInside(rng: Rng, z: Zone): [number, number] | null {
  const rings = z.geom.type === 'Polygon' ? [z.geom.coordinates[0]!] : z.geom.coordinates.map((p) => p[0]!);
  const ring = rings[rng.int(rings.length)]!;
  const k = rng.int(ring.length - 1);
  const a = ring[k]!; const b = ring[k + 1]!;
  const t = rng.range(0.2, 0.8);
  const mx = a[0]! + (b[0]! - a[0]!) * t; const my = a[1]! + (b[1]! - a[1]!) * t;
  const len = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!);
  if (len === 0) return null;
  const metres = rng.range(1, 5);
  const deg = metres / 111_000;
  for (const sign of [1, -1]) {
    const p: [number, number] = [mx - (sign * (b[1]! - a[1]!) / len) * deg, my + (sign * (b[0]! - a[0]!) / len) * deg];
    const back: [number, number] = [Number(SIX(p[0])), Number(SIX(p[1]))];
    if (turf.booleanPointInPolygon(back, z.geom, { ignoreBoundary: true })) return back;
  }
  return null;
}
