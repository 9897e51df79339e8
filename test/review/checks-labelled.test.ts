import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COORDINATE_CHECKS, type CheckCode } from '../../geodata/review/check-catalog.ts';
import { runReview, type RunSummary } from '../../geodata/review/run-checks.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { buildLabelledSet, hasRealData, type LabelledSet } from './labelled-set.ts';

describe.skipIf(!hasRealData)('geolocation checks on a labelled set built from the real district boundaries', () => {
  let db: TestDatabase;
  let set: LabelledSet;
  let run: RunSummary;
  const progress: number[] = [];
  let found: Map<string, Set<string>>;

  beforeAll(async () => {
    db = await openTestDatabase('review_labelled');
    set = await buildLabelledSet(db.pool);
    run = await runReview(db.pool, 'tester', {}, (r) => progress.push(r.doneUnits));
    const byId = new Map([...set.ids].map(([c, id]) => [id, c]));
    const { rows } = await db.pool.query<{ subject_kind: string; subject_key: string; source_id: string | null; check_code: string }>(
      // The geolocation checks are measured here; the attribute screening has its own labelled set.
      'SELECT subject_kind, subject_key, source_id, check_code FROM review_finding WHERE check_code = ANY($1)', [COORDINATE_CHECKS.map((c) => c.code)]);
    found = new Map();
    for (const r of rows) {
      const key = r.subject_kind === 'source' ? `source:${byId.get(Number(r.source_id))}` : `${r.subject_kind}:${r.subject_key}`;
      if (!found.has(key)) found.set(key, new Set());
      found.get(key)!.add(r.check_code);
    }
  }, 600_000);
  afterAll(async () => db?.close());

  it('finishes the run and reports progress unit by unit', () => {
    expect(run.status).toBe('done');
    expect(run.doneUnits).toBe(run.totalUnits);
    expect(progress.at(-1)).toBe(run.totalUnits);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(set.counts.zones).toBeGreaterThan(1000);
  });

  const measured = COORDINATE_CHECKS.map((c) => c.code);
  it.each(measured)('check %s reaches recall >= 0.98 and precision >= 0.95', (code: CheckCode) => {
    const expected = [...set.truth].filter(([, checks]) => checks.has(code)).map(([k]) => k);
    const flagged = [...found].filter(([, checks]) => checks.has(code)).map(([k]) => k);
    const hit = flagged.filter((k) => set.truth.get(k)?.has(code));
    const missed = expected.filter((k) => !found.get(k)?.has(code)).slice(0, 5).map((k) => `${k} got [${[...(found.get(k) ?? [])]}]`);
    const wrong = flagged.filter((k) => !set.truth.get(k)?.has(code)).slice(0, 5).map((k) => `${k} expected [${[...(set.truth.get(k) ?? [])]}]`);
    if (code !== 'datum_batch_pattern' && code !== 'dms_batch_pattern') expect(expected.length, `labelled ${code}`).toBeGreaterThan(0);
    const recall = expected.length === 0 ? 1 : hit.length / expected.length;
    const precision = flagged.length === 0 ? (expected.length === 0 ? 1 : 0) : hit.length / flagged.length;
    expect({ code, recall: recall >= 0.98, missed }).toEqual({ code, recall: true, missed: recall >= 0.98 ? missed : [] });
    expect({ code, precision: precision >= 0.95, wrong }).toEqual({ code, precision: true, wrong: precision >= 0.95 ? wrong : [] });
  });

  it('flags no correct point lying a few metres inside a zone edge', () => {
    expect(set.nearBoundary.length).toBeGreaterThan(100);
    const flagged = set.nearBoundary.filter((c) => found.has(`source:${c}`)).map((c) => `${c}: ${[...found.get(`source:${c}`)!]}`);
    expect(flagged).toEqual([]);
  });

  it('carries the corrected point for swaps, re-read degree-minutes and datum shifts, inside the declared zone', async () => {
    const { rows } = await db.pool.query<{ check_code: string; n: string; inside: string }>(`
      SELECT f.check_code, count(*) AS n, count(*) FILTER (WHERE ST_Intersects(z.geom, f.suggested)) AS inside
      FROM review_finding f JOIN source s ON s.id = f.source_id JOIN census_zone z ON z.code = s.zone_code
      WHERE f.check_code IN ('swapped_lat_lon', 'dms_slip', 'gcj02_as_wgs84', 'bd09_as_wgs84') AND f.suggested IS NOT NULL GROUP BY 1 ORDER BY 1`);
    expect(rows.map((r) => r.check_code)).toEqual(['bd09_as_wgs84', 'dms_slip', 'gcj02_as_wgs84', 'swapped_lat_lon']);
    for (const r of rows) expect(r.inside).toBe(r.n);
  });

  it('gives the distance to the declared zone for points outside it', async () => {
    const { rows } = await db.pool.query<{ d: number; exact: number }>(`
      SELECT f.distance_m AS d, ST_Distance(z.geom::geography, s.geom::geography) AS exact
      FROM review_finding f JOIN source s ON s.id = f.source_id JOIN census_zone z ON z.code = s.zone_code
      WHERE f.check_code = 'outside_declared_zone'`);
    expect(rows.length).toBeGreaterThan(50);
    for (const r of rows) {
      expect(r.d).toBeGreaterThan(0);
      expect(Math.abs(r.d - r.exact)).toBeLessThan(Math.max(5, r.exact * 0.01));
    }
  });

  it('keeps a reviewer status through a second run and drops nothing still firing', async () => {
    const before = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM review_finding');
    const one = await db.pool.query<{ id: string }>(`SELECT id FROM review_finding WHERE check_code = 'coord_zero' LIMIT 1`);
    await db.pool.query(`UPDATE review_finding SET status = 'accepted' WHERE id = $1`, [one.rows[0]!.id]);
    const again = await runReview(db.pool, 'tester');
    expect(again.status).toBe('done');
    const after = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM review_finding');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    const status = await db.pool.query<{ status: string; run_id: string }>('SELECT status, run_id FROM review_finding WHERE id = $1', [one.rows[0]!.id]);
    expect(status.rows[0]).toEqual({ status: 'accepted', run_id: String(again.runId) });
  });
});
