import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import seedrandom from 'seedrandom';
import type { z } from 'zod';
import { DEFAULT_QUOTA, KEY_INDICATORS, OmissionBody, SampleCheckBody, SamplePlanBody, type KeyIndicator } from '../model/api/census-quality.ts';
import { isNational, type Scope } from '../access/scope.ts';
import { loadStatements } from '../db/sql-statements.ts';
import { inTransaction } from '../db/transaction.ts';
import { ERROR_RATE_TARGET } from '../review/quality.ts';
import { wilsonInterval } from './wilson.ts';

const SQL = loadStatements(new URL('./sampling.sql', import.meta.url), [
  'population', 'insert_plan', 'insert_items', 'plan', 'plans', 'items', 'item_by_census_id', 'previous_checks', 'upsert_check',
  'insert_omission', 'log', 'rates',
]);

export { DEFAULT_QUOTA, KEY_INDICATORS, OmissionBody, SampleCheckBody, SamplePlanBody, type KeyIndicator };

export type SamplePlanInput = z.infer<typeof SamplePlanBody>;

export interface StratumDraw {
  /** `city:type` for a quota plan (440300:industrial), the county code for a share plan. */
  readonly stratum: string;
  readonly population: number;
  readonly wanted: number;
  readonly drawn: number;
}

export interface SamplePlan {
  readonly id: number;
  readonly name: string;
  readonly seed: string;
  readonly method: 'quota' | 'share';
  readonly params: unknown;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly strata: readonly StratumDraw[];
  readonly items: number;
}

interface PopulationRow { id: string; census_id: string; source_type: string; division_code: string }

/**
 * Draws the sample of one plan from what `population` holds, deterministically: each stratum's
 * sources in id order, then a partial Fisher-Yates shuffle driven by seedrandom(seed|stratum),
 * so one stratum's draw does not depend on any other's. The same seed over the same data
 * always gives the same sample.
 */
export function drawStrata(
  population: readonly { id: number; sourceType: string; divisionCode: string }[],
  input: SamplePlanInput,
  seed: string,
): { strata: StratumDraw[]; picks: { id: number; stratum: string; divisionCode: string }[] } {
  const groups = new Map<string, { id: number; divisionCode: string }[]>();
  for (const s of population) {
    const key = input.method === 'quota' ? `${s.divisionCode.slice(0, 4)}00:${s.sourceType}` : s.divisionCode.slice(0, 6);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push({ id: s.id, divisionCode: s.divisionCode });
  }
  const strata: StratumDraw[] = [];
  const picks: { id: number; stratum: string; divisionCode: string }[] = [];
  for (const key of [...groups.keys()].sort()) {
    const members = groups.get(key)!.sort((a, b) => a.id - b.id);
    const wanted = input.method === 'quota'
      ? ((input.quota as Record<string, number | undefined>)[key.split(':')[1]!] ?? 0)
      // A share is rounded up, so every county with sources gets at least one checked.
      : Math.ceil(input.share * members.length);
    const k = Math.min(wanted, members.length);
    const rng = seedrandom(`${seed}|${key}`);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rng() * (members.length - i));
      [members[i], members[j]] = [members[j]!, members[i]!];
      picks.push({ id: members[i]!.id, stratum: key, divisionCode: members[i]!.divisionCode });
    }
    strata.push({ stratum: key, population: members.length, wanted, drawn: k });
  }
  return { strata, picks };
}

/** Draws and stores a sample plan over the sources the caller may see. */
export async function drawSample(pool: pg.Pool, scope: Scope, actor: string, input: SamplePlanInput): Promise<SamplePlan> {
  const seed = input.seed ?? randomBytes(8).toString('hex');
  const division = input.division ?? (isNational(scope) ? null : scope);
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<PopulationRow>(SQL.population, [division]);
    const population = rows.map((r) => ({ id: Number(r.id), sourceType: r.source_type, divisionCode: r.division_code }));
    const { strata, picks } = drawStrata(population, input, seed);
    const params = input.method === 'quota' ? { quota: input.quota, division } : { share: input.share, division };
    const plan = await client.query<{ id: string; created_at: Date }>(SQL.insert_plan, [
      input.name, seed, input.method, params, isNational(scope) ? null : scope, actor,
    ]);
    const id = Number(plan.rows[0]!.id);
    await client.query(SQL.insert_items, [id, picks.map((p) => p.id), picks.map((p) => p.stratum), picks.map((p) => p.divisionCode)]);
    return {
      id, name: input.name, seed, method: input.method, params, createdBy: actor,
      createdAt: plan.rows[0]!.created_at.toISOString(), strata, items: picks.length,
    };
  });
}

export interface SampleItem {
  readonly sourceId: number;
  readonly censusId: string;
  readonly name: string;
  readonly sourceType: string;
  readonly industryCode: string | null;
  readonly divisionCode: string;
  readonly stratum: string;
  /** indicator → whether the census had it right; empty until checked. */
  readonly checks: Readonly<Partial<Record<KeyIndicator, boolean>>>;
  readonly checkedBy: string | null;
  readonly checkedAt: string | null;
}

export async function sampleItems(pool: pg.Pool, planId: number): Promise<SampleItem[]> {
  const { rows } = await pool.query(SQL.items, [planId]);
  return rows.map((r) => ({
    sourceId: Number(r.source_id), censusId: r.census_id, name: r.name, sourceType: r.source_type, industryCode: r.industry_code,
    divisionCode: r.division_code, stratum: r.stratum, checks: r.checks, checkedBy: r.checked_by, checkedAt: r.checked_at?.toISOString() ?? null,
  }));
}

export async function getPlan(pool: pg.Pool, planId: number) {
  const { rows } = await pool.query(SQL.plan, [planId]);
  const r = rows[0];
  return r ? { id: Number(r.id), name: r.name, seed: r.seed, method: r.method, params: r.params, createdBy: r.created_by, createdAt: r.created_at.toISOString() } : null;
}

export async function listPlans(pool: pg.Pool) {
  const { rows } = await pool.query(SQL.plans);
  return rows.map((r) => ({ id: Number(r.id), name: r.name, seed: r.seed, method: r.method, createdBy: r.created_by, createdAt: r.created_at.toISOString(), items: r.items }));
}

export type SampleCheckInput = z.infer<typeof SampleCheckBody>;

export type OmissionInput = z.infer<typeof OmissionBody>;

export class SampleItemNotFoundError extends Error {
  constructor(planId: number, censusId: string) {
    super(`sample ${planId} has no source ${censusId} that you may see`);
    this.name = 'SampleItemNotFoundError';
  }
}

/** Records a reviewer's check of one sampled source, indicator by indicator, with its trace. */
export async function recordCheck(pool: pg.Pool, actor: string, planId: number, input: SampleCheckInput): Promise<void> {
  await inTransaction(pool, async (client) => {
    const item = (await client.query(SQL.item_by_census_id, [planId, input.censusId])).rows[0];
    if (!item) throw new SampleItemNotFoundError(planId, input.censusId);
    const before = Object.fromEntries((await client.query(SQL.previous_checks, [planId, item.source_id])).rows.map((r) => [r.indicator, r.correct]));
    for (const [indicator, correct] of Object.entries(input.indicators)) {
      await client.query(SQL.upsert_check, [planId, item.source_id, indicator, correct, input.note ?? null, item.division_code, actor]);
    }
    await client.query(SQL.log, [actor, 'sample_check', `${planId}:${item.source_id}`, 'sample_check', before, { ...before, ...input.indicators }, input.note ?? null]);
  });
}

/** Records a unit found in the field that the census missed (漏查). */
export async function recordOmission(pool: pg.Pool, actor: string, planId: number, input: OmissionInput): Promise<number> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string }>(SQL.insert_omission, [planId, input.divisionCode, input.name, input.note ?? null, actor]);
    const id = Number(rows[0]!.id);
    await client.query(SQL.log, [actor, 'sample_omission', `${planId}:${id}`, 'sample_omission', null, input, input.note ?? null]);
    return id;
  });
}

export interface RateRow {
  readonly city: string;
  readonly name: string | null;
  readonly drawn: number;
  readonly checked: number;
  readonly wrong: number;
  readonly errorRate: number | null;
  /** 95 % Wilson interval of the error rate. */
  readonly errorInterval: readonly [number, number] | null;
  readonly omissions: number;
  /** Omissions over checked sources plus omissions. */
  readonly omissionRate: number | null;
  readonly omissionInterval: readonly [number, number] | null;
  /** Both rates at or below the target. */
  readonly meetsTarget: boolean | null;
  /** Both intervals' upper bounds at or below the target: the sample shows it, not only suggests it. */
  readonly provenBelowTarget: boolean | null;
}

export async function sampleRates(pool: pg.Pool, planId: number): Promise<{ target: number; rows: RateRow[] }> {
  const { rows } = await pool.query<{ city: string; name: string | null; drawn: number; checked: number; wrong: number; omissions: number }>(SQL.rates, [planId]);
  return {
    target: ERROR_RATE_TARGET,
    rows: rows.map((r) => {
      const known = r.checked + r.omissions;
      const errorInterval = r.checked > 0 ? wilsonInterval(r.wrong, r.checked) : null;
      const omissionInterval = known > 0 ? wilsonInterval(r.omissions, known) : null;
      const errorRate = r.checked > 0 ? r.wrong / r.checked : null;
      const omissionRate = known > 0 ? r.omissions / known : null;
      return {
        ...r, errorRate, errorInterval, omissionRate, omissionInterval,
        meetsTarget: errorRate === null ? null : errorRate <= ERROR_RATE_TARGET && (omissionRate ?? 0) <= ERROR_RATE_TARGET,
        provenBelowTarget: errorInterval === null ? null : errorInterval[1] <= ERROR_RATE_TARGET && (omissionInterval?.[1] ?? 0) <= ERROR_RATE_TARGET,
      };
    }),
  };
}
