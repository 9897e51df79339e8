import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows } from '../../geodata/db/bulk-insert.ts';
import { fromWgs84 } from '../../geodata/demo/datum-shift.ts';
import { dmsDigits } from '../../geodata/demo/errors.ts';
import { createRng } from '../../geodata/demo/random.ts';
import { LAYERS, type Row } from '../../geodata/model/layers.ts';
import { applyReviewAction, ReviewInputError, type CandidateCorrection } from '../../geodata/review/review-actions.ts';
import { runReview } from '../../geodata/review/run-checks.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { hasRealData, REAL_DIR } from './labelled-set.ts';

type Kind = 'swapped_lat_lon' | 'dms_slip' | 'gcj02_as_wgs84' | 'bd09_as_wgs84';
const KINDS: Kind[] = ['swapped_lat_lon', 'dms_slip', 'gcj02_as_wgs84', 'bd09_as_wgs84'];
const PER_KIND = 40;

/**
 * Ambiguity on zones as large as districts: each Shenzhen and Zhengzhou district is one census
 * zone, so a BD-09 point's GCJ-02 reading (600-960 m off) often lands inside it too. Each kind
 * of mistake comes from its own uploader (import batch) of 40 sources, each drawn until its
 * wrong point leaves the zone (else no check could see it). A reviewer applies every finding:
 * an unambiguous one as suggested, an ambiguous one only by picking a candidate, and picks the
 * one the batch pattern ranks first.
 */
describe.skipIf(!hasRealData)('ambiguous corrections on district-sized zones, labelled from the real boundaries', () => {
  let db: TestDatabase;
  const truth = new Map<string, { kind: Kind; at: [number, number] }>();
  const applied = new Map<string, [number, number]>();
  let ambiguous = 0;
  let refusedWithoutChoice = 0;

  beforeAll(async () => {
    db = await openTestDatabase('review_ambiguity');
    const districts = (['shenzhen-districts.geojson', 'zhengzhou-districts.geojson'] as const)
      .flatMap((f) => (JSON.parse(readFileSync(join(REAL_DIR, f), 'utf8')) as FeatureCollection<Polygon | MultiPolygon>).features);
    const rng = createRng(11, 'ambiguity-labelled');
    const inside = (f: Feature<Polygon | MultiPolygon>, p: [number, number]) => turf.booleanPointInPolygon(p, f);
    const wrong = (kind: Kind, [x, y]: [number, number]): [number, number] => {
      if (kind === 'swapped_lat_lon') return [y, x];
      if (kind === 'dms_slip') return [Number(dmsDigits(x)), Number(dmsDigits(y))];
      return fromWgs84(x, y, kind === 'gcj02_as_wgs84' ? 'gcj02' : 'bd09');
    };
    const sources: Row[] = [];
    for (const kind of KINDS) {
      let made = 0;
      for (let tries = 0; made < PER_KIND && tries < 200_000; tries++) {
        const d = rng.pick(districts);
        const [w, s, e, n] = turf.bbox(d);
        // Whole seconds, so that a degree-minute-second re-read can be exact.
        const at: [number, number] = [Math.round(rng.range(w, e) * 3600) / 3600, Math.round(rng.range(s, n) * 3600) / 3600];
        if (!inside(d, at)) continue;
        const typed = wrong(kind, at);
        if (Math.abs(typed[1]) <= 90 && inside(d, typed)) continue;
        const id = `${kind}-${++made}`;
        truth.set(id, { kind, at });
        const code = String(d.properties!.code);
        sources.push({
          census_id: id, name: `企业${id}`, source_type: 'industrial', industry_code: '2614', zone_code: `${code}0001`, division_code: code,
          geom: { type: 'Point', coordinates: typed }, entered_x: typed[0].toFixed(6), entered_y: typed[1].toFixed(6), entered_crs: 'wgs84', status: 'active',
        });
      }
    }
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await insertRows(client, LAYERS.division, districts.map((f) => ({
        code: String(f.properties!.code), name: String(f.properties!.name), level: 'county', parent_code: String(f.properties!.code).slice(0, 4) + '00', geom: f.geometry,
      })), null);
      await insertRows(client, LAYERS.census_zone, districts.map((f) => ({
        code: `${f.properties!.code}0001`, name: `${f.properties!.name}小区`, county_code: String(f.properties!.code), geom: f.geometry,
      })), null);
      await insertRows(client, LAYERS.source, sources, null);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await db.pool.query(`UPDATE source s SET import_batch = v.b FROM (VALUES ${KINDS.map((k, i) => `('${k}', ${i + 1})`).join(', ')}) v(k, b) WHERE s.census_id LIKE v.k || '-%'`);
    await runReview(db.pool, 'tester');

    const { rows } = await db.pool.query<{ id: string; census_id: string; row_version: number; details: { candidates?: CandidateCorrection[]; ambiguous?: boolean; batch_pick?: string } }>(`
      SELECT f.id, s.census_id, s.row_version, f.details FROM review_finding f JOIN source s ON s.id = f.source_id
      WHERE f.check_code = ANY($1::text[]) ORDER BY f.id`, [KINDS]);
    for (const r of rows) {
      const act = (candidate?: string) => applyReviewAction(db.pool, Number(r.id), { action: 'apply_suggestion', rowVersion: r.row_version, ...(candidate ? { candidate: candidate as Kind } : {}) }, 'tester');
      if (r.details.ambiguous) {
        ambiguous++;
        const refused = await act().then(() => false, (err: unknown) => err instanceof ReviewInputError && err.kind === 'conflict');
        if (refused) refusedWithoutChoice++;
        // The reviewer follows the ranking: the batch's pick, else the first candidate listed.
        await act(r.details.batch_pick ?? r.details.candidates![0]!.code);
      } else {
        await act();
      }
      const { rows: at } = await db.pool.query<{ x: number; y: number }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM source WHERE census_id = $1', [r.census_id]);
      applied.set(r.census_id, [at[0]!.x, at[0]!.y]);
    }
  }, 600_000);
  afterAll(async () => db?.close());

  it.each(KINDS)('an applied %s correction lies within 30 m of the true point for at least 0.95 of the errors', (kind) => {
    const ids = [...truth].filter(([, t]) => t.kind === kind).map(([id]) => id);
    expect(ids.length).toBe(PER_KIND);
    const close = ids.filter((id) => applied.has(id) && turf.distance(applied.get(id)!, truth.get(id)!.at, { units: 'meters' }) <= 30);
    const far = ids.filter((id) => !close.includes(id)).slice(0, 5)
      .map((id) => `${id}: ${applied.has(id) ? `${Math.round(turf.distance(applied.get(id)!, truth.get(id)!.at, { units: 'meters' }))} m` : 'no finding'}`);
    expect({ kind, share: close.length / ids.length >= 0.95, far }).toEqual({ kind, share: true, far: close.length / ids.length >= 0.95 ? far : [] });
  });

  it('finds ambiguous findings on zones this large, and applies none of them without a choice', () => {
    console.info(`ambiguous findings: ${ambiguous} of ${applied.size}`);
    expect(ambiguous).toBeGreaterThan(0);
    expect(refusedWithoutChoice).toBe(ambiguous);
  });
});
