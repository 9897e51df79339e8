import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows } from '../../geodata/db/bulk-insert.ts';
import { inTransaction } from '../../geodata/db/transaction.ts';
import { LAYERS } from '../../geodata/model/layers.ts';
import { SCREENING_CHECKS, type ScreeningCode } from '../../geodata/review/check-catalog.ts';
import { runScreening } from '../../geodata/quality/screening.ts';
import { runReview } from '../../geodata/review/run-checks.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { labelledCensus, type LabelledCensus } from './labelled-census.ts';

describe('attribute screening on a labelled census directory', () => {
  let db: TestDatabase;
  let set: LabelledCensus;
  const found = new Map<string, Set<string>>();

  beforeAll(async () => {
    db = await openTestDatabase('screening');
    set = labelledCensus();
    await inTransaction(db.pool, (c) => insertRows(c, LAYERS.source, set.rows, null));
    const run = await runReview(db.pool, 'screening-test');
    expect(run.status).toBe('done');
    const { rows } = await db.pool.query<{ census_id: string; check_code: string }>(
      `SELECT s.census_id, f.check_code FROM review_finding f JOIN source s ON s.id = f.source_id WHERE f.check_code = ANY($1)`,
      [SCREENING_CHECKS.map((c) => c.code)]);
    for (const r of rows) {
      if (!found.has(r.census_id)) found.set(r.census_id, new Set());
      found.get(r.census_id)!.add(r.check_code);
    }
  }, 300_000);
  afterAll(async () => db?.close());
  // The screening alone, as the full run's last unit runs it.
  const screen = () => inTransaction(db.pool, async (c) => {
    const run = await c.query<{ id: string }>(`INSERT INTO review_run (scope, actor) VALUES ('all', 'screening-test') RETURNING id`);
    return runScreening(c, Number(run.rows[0]!.id));
  });

  it.each(SCREENING_CHECKS.map((c) => c.code))('check %s reaches recall >= 0.95 and precision >= 0.9', (code: ScreeningCode) => {
    const expected = [...set.truth].filter(([, c]) => c.has(code)).map(([k]) => k);
    const flagged = [...found].filter(([, c]) => c.has(code)).map(([k]) => k);
    const hit = flagged.filter((k) => set.truth.get(k)?.has(code));
    expect(expected.length, `labelled ${code}`).toBeGreaterThanOrEqual(20);
    const recall = hit.length / expected.length;
    const precision = flagged.length === 0 ? 0 : hit.length / flagged.length;
    const missed = expected.filter((k) => !found.get(k)?.has(code)).slice(0, 5);
    const wrong = flagged.filter((k) => !set.truth.get(k)?.has(code)).slice(0, 5);
    expect({ code, recall: recall >= 0.95, missed }).toEqual({ code, recall: true, missed: recall >= 0.95 ? missed : [] });
    expect({ code, precision: precision >= 0.9, wrong }).toEqual({ code, precision: true, wrong: precision >= 0.9 ? wrong : [] });
  });

  it('shows the peer median, the ratio and the peer group of an emission outlier', async () => {
    const { rows } = await db.pool.query<{ details: { pollutants: { pollutant: string; value: number; peerMedian: number; ratio: number; z: number; peers: number; peerIndustry: string }[] } }>(
      `SELECT details FROM review_finding WHERE check_code = 'emission_peer_outlier' LIMIT 20`);
    expect(rows.length).toBe(20);
    for (const { details } of rows) {
      const p = details.pollutants[0]!;
      expect(p.peers).toBeGreaterThanOrEqual(8);
      expect(p.peerIndustry).toMatch(/^[0-9]{2}([0-9]{2})?$/);
      expect(p.ratio / (p.value / p.peerMedian)).toBeCloseTo(1, 2);
      expect(Math.abs(p.z)).toBeGreaterThan(3.5);
    }
  });

  it('gives the peer median and the z-score the exact percentile_cont statistics give, within the bins\' 0.1 %', async () => {
    // The screening counts per bin of the logs instead of sorting every row; here the same
    // statistics are computed exactly, by sorting, for every peer group of the outliers shown.
    const { rows } = await db.pool.query<{ id: string; details: { pollutants: { pollutant: string; value: number; peerMedian: number; z: number; peers: number; peerIndustry: string }[] } }>(
      `SELECT source_id AS id, details FROM review_finding WHERE check_code = 'emission_peer_outlier' ORDER BY id LIMIT 30`);
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const { id, details } of rows) {
      for (const p of details.pollutants) {
        const { rows: [exact] } = await db.pool.query<{ n: number; m: number; d: number }>(
          `WITH g AS (
             SELECT ln(p.v) AS lv FROM source s CROSS JOIN LATERAL (VALUES ('cod', s.cod), ('nh3n', s.nh3n), ('tn', s.tn), ('tp', s.tp),
                    ('so2', s.so2), ('nox', s.nox), ('pm', s.pm), ('vocs', s.vocs)) AS p(code, v)
              WHERE s.status IN ('active', 'stopped', 'closed', 'other') AND s.source_type = 'industrial' AND p.code = $2 AND p.v > 0
                AND left(s.division_code, 2) = (SELECT left(division_code, 2) FROM source WHERE id = $1)
                AND left(s.industry_code, length($3)) = $3),
           m AS (SELECT count(*)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY lv) AS m FROM g)
           SELECT m.n, m.m, (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(lv - m.m)) FROM g) AS d FROM m`,
          [id, p.pollutant, p.peerIndustry]);
        expect(p.peers).toBe(exact!.n);
        expect(Math.abs(Math.log(p.peerMedian) - exact!.m)).toBeLessThanOrEqual(0.001 + 1e-9);
        const z = 0.6745 * (Math.log(p.value) - exact!.m) / exact!.d;
        expect(Math.abs(p.z - z)).toBeLessThanOrEqual(0.05 * Math.abs(z));
      }
    }
  });

  it('keeps a reviewer\'s word on a screening finding through the next run, and retires one that no longer fires', async () => {
    const reasonless = [...set.truth].find(([, c]) => c.has('status_without_reason'))![0];
    const dup = [...set.truth].find(([, c]) => c.has('duplicate_credit_code'))![0];
    await db.pool.query(`UPDATE review_finding f SET status = 'accepted', reviewed_by = 'x' FROM source s
      WHERE s.id = f.source_id AND s.census_id = $1 AND f.check_code = 'duplicate_credit_code'`, [dup]);
    await db.pool.query(`UPDATE source SET status_reason = '搬迁' WHERE census_id = $1`, [reasonless]);
    await screen();
    const { rows } = await db.pool.query<{ census_id: string; check_code: string; status: string }>(
      `SELECT s.census_id, f.check_code, f.status FROM review_finding f JOIN source s ON s.id = f.source_id
       WHERE s.census_id = ANY($1) AND f.check_code IN ('status_without_reason', 'duplicate_credit_code')`, [[reasonless, dup]]);
    expect(rows).toEqual([{ census_id: dup, check_code: 'duplicate_credit_code', status: 'accepted' }]);
  }, 120_000);

  it('reads missing-pollutant rules from the editable table', async () => {
    const before = await db.pool.query(`SELECT count(*)::int AS n FROM review_finding WHERE check_code = 'missing_pollutant'`);
    expect(before.rows[0].n).toBeGreaterThan(0);
    await db.pool.query(`DELETE FROM industry_pollutant_rule WHERE pollutant = 'vocs'`);
    await screen();
    const after = await db.pool.query(`SELECT count(*)::int AS n FROM review_finding WHERE check_code = 'missing_pollutant'`);
    expect(after.rows[0].n).toBe(0);
  }, 120_000);
});
