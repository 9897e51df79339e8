import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { inTransaction } from '../db/transaction.ts';
import { runScreening, type ScreeningOptions } from '../quality/screening.ts';
import {
  OUTFALL_SQL, PATTERN_SQL, STALE_GROUP_SQL, sourceChecksSql, stackSql, staleSourceFindingsSql, staleStackSql, type SourceScope,
} from './check-sql.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in run-checks.sql beside it.
const FIXED_SQL = loadStatements(new URL('./run-checks.sql', import.meta.url), ['analyze_run_inputs', 'start_review_run_select_source', 'start_review_run_insert_review_run', 'select_review_run', 'recheck_source_insert_review_run', 'recheck_source_select_source', 'recheck_source_update_review_run', 'update_review_run', 'update_review_run_2', 'unit_update_review_run', 'resolve_region_select_division']);

const RANK_CANDIDATES_SQL = readFileSync(new URL('./rank-candidates.sql', import.meta.url), 'utf8');

/** Thresholds of the checks; every one has a default that suits census data. */
export interface CheckOptions {
  /**
   * The configured region as [west, south, east, north] in degrees; 'auto' (default) takes the
   * extent of the loaded divisions plus 0.1°, null turns the region check off.
   */
  readonly region?: readonly [number, number, number, number] | 'auto' | null;
  /** Distinct names on one exact point that make a stack (default 4). */
  readonly stackMinNames?: number;
  /** An outfall farther than this from every river is reported (metres, default 1000). */
  readonly outfallRiverMaxM?: number;
  /** A source farther than this from its outfall is reported (metres, default 10000). */
  readonly sourceOutfallMaxM?: number;
  /** Shifted sources and their share that make a batch or district datum pattern (5, 0.2). */
  readonly datumPatternMin?: number;
  readonly datumPatternShare?: number;
  /** Smallest batch the degree-minute pattern is judged on (default 10). */
  readonly dmsPatternMin?: number;
  /** The attribute screening after the coordinate checks (geodata/quality/screening.ts). */
  readonly screening?: ScreeningOptions;
}

export interface RunSummary {
  readonly runId: number;
  readonly status: 'running' | 'done' | 'failed';
  readonly scope: 'all' | 'source';
  readonly totalUnits: number;
  readonly doneUnits: number;
  /** Findings raised by this run (all statuses), once it is done. */
  readonly findings: number | null;
  readonly error: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly elapsedMs: number | null;
}

export class ReviewRunBusyError extends Error {
  constructor(readonly runId: number) {
    super(`review run ${runId} is still running; wait for it to finish`);
    this.name = 'ReviewRunBusyError';
  }
}

/**
 * Starts a full run and returns at once with its id; `done` settles when it ends. The run
 * works county by county, each in its own transaction, so on the embedded engine (one
 * transaction at a time) other requests get their turn between counties.
 */
export async function startReviewRun(
  pool: pg.Pool,
  actor: string,
  options: CheckOptions = {},
  onProgress?: (run: RunSummary) => void,
): Promise<{ runId: number; run: RunSummary; done: Promise<RunSummary> }> {
  const counties = await pool.query<{ county: string | null }>(
    FIXED_SQL.start_review_run_select_source,
  );
  // Units: stacking, one per county (plus "no division"), outfalls, batch patterns, screening.
  const units = counties.rows.length + 4;
  const inserted = await pool.query<{ id: string }>(
    FIXED_SQL.start_review_run_insert_review_run,
    [actor, units],
  );
  if (inserted.rowCount === 0) {
    const busy = await pool.query<{ id: string }>(FIXED_SQL.select_review_run);
    throw new ReviewRunBusyError(Number(busy.rows[0]?.id ?? 0));
  }
  const runId = Number(inserted.rows[0]!.id);
  const done = executeFullRun(pool, runId, counties.rows.map((r) => r.county), options, onProgress);
  // The caller may never await `done`; a failure is recorded in review_run either way.
  done.catch(() => {});
  return { runId, run: toSummary(inserted.rows[0] as unknown as RunRow), done };
}

/** Runs all checks over the whole data set and resolves when done. */
export async function runReview(pool: pg.Pool, actor: string, options: CheckOptions = {}, onProgress?: (run: RunSummary) => void): Promise<RunSummary> {
  const { done } = await startReviewRun(pool, actor, options, onProgress);
  return done;
}

/**
 * Re-checks one source after it changed (and the stacks at its old and new place), in one
 * transaction. Batch patterns and outfalls wait for the next full run.
 */
export async function recheckSource(
  client: pg.ClientBase,
  sourceId: number,
  actor: string,
  previous: readonly [number, number] | null = null,
  options: CheckOptions = {},
): Promise<number> {
  const run = await client.query<{ id: string }>(
    FIXED_SQL.recheck_source_insert_review_run, [actor],
  );
  const runId = Number(run.rows[0]!.id);
  const now = await client.query<{ x: number | null; y: number | null }>(FIXED_SQL.recheck_source_select_source, [sourceId]);
  const here = now.rows[0];
  const region = await resolveRegion(client, options.region);
  const stackParams = [runId, options.stackMinNames ?? 4, here?.x ?? null, here?.y ?? null, previous?.[0] ?? null, previous?.[1] ?? null];
  await client.query(stackSql('points'), stackParams);
  await client.query(staleStackSql('points'), [...stackParams, sourceId]);
  await runSourceScope(client, runId, 'source', String(sourceId), region, options);
  await client.query(
    FIXED_SQL.recheck_source_update_review_run, [runId],
  );
  return runId;
}

export async function getRun(pool: pg.Pool, runId: number): Promise<RunSummary | null> {
  const { rows } = await pool.query(`${RUN_SELECT} WHERE id = $1`, [runId]);
  return rows[0] ? toSummary(rows[0]) : null;
}

export async function latestRun(pool: pg.Pool): Promise<RunSummary | null> {
  const { rows } = await pool.query(`${RUN_SELECT} WHERE scope = 'all' ORDER BY id DESC LIMIT 1`);
  return rows[0] ? toSummary(rows[0]) : null;
}

// The stored count is the national one. A scoped request (role yzt_app with a region) counts the
// run's findings it may see instead, so a district user does not learn the national total.
const RUN_SELECT = `SELECT id, status, scope, total_units, done_units,
  CASE WHEN findings IS NULL OR yzt_scope_all() OR current_user <> 'yzt_app' THEN findings
       ELSE (SELECT count(*)::int FROM review_finding f WHERE f.run_id = review_run.id) END AS findings,
  error, started_at, finished_at,
  round(extract(epoch FROM finished_at - started_at) * 1000) AS elapsed_ms FROM review_run`;

async function executeFullRun(
  pool: pg.Pool,
  runId: number,
  counties: readonly (string | null)[],
  options: CheckOptions,
  onProgress?: (run: RunSummary) => void,
): Promise<RunSummary> {
  try {
    await pool.query(FIXED_SQL.analyze_run_inputs);
    const region = await resolveRegion(pool, options.region);
    await unit(pool, runId, onProgress, async (c) => {
      const params = [runId, options.stackMinNames ?? 4];
      await c.query(stackSql('all'), params);
      await c.query(staleStackSql('all'), params);
    });
    for (const county of counties) {
      await unit(pool, runId, onProgress, (c) =>
        county === null
          ? runSourceScope(c, runId, 'no_division', null, region, options)
          : runSourceScope(c, runId, 'county', `${county}%`, region, options),
      );
    }
    await unit(pool, runId, onProgress, async (c) => {
      await c.query(OUTFALL_SQL, [runId, options.outfallRiverMaxM ?? 1000]);
    });
    await unit(pool, runId, onProgress, async (c) => {
      await c.query(PATTERN_SQL, [runId, options.datumPatternMin ?? 5, options.datumPatternShare ?? 0.2, options.dmsPatternMin ?? 10]);
      await c.query(STALE_GROUP_SQL, [runId]);
      await c.query(RANK_CANDIDATES_SQL, [runId]);
    });
    await unit(pool, runId, onProgress, async (c) => {
      await runScreening(c, runId, options.screening);
    });
    await pool.query(
      FIXED_SQL.update_review_run, [runId],
    );
  } catch (err) {
    await pool
      .query(FIXED_SQL.update_review_run_2, [runId, (err as Error).message])
      .catch(() => {});
    const failed = await getRun(pool, runId).catch(() => null);
    if (failed) onProgress?.(failed);
    throw err;
  }
  const summary = (await getRun(pool, runId))!;
  onProgress?.(summary);
  return summary;
}

type Region = readonly [number, number, number, number] | null;

async function runSourceScope(
  client: pg.ClientBase,
  runId: number,
  scope: SourceScope,
  value: string | null,
  region: Region,
  options: CheckOptions,
): Promise<void> {
  await client.query(sourceChecksSql(scope), [
    runId, value, region?.[0] ?? null, region?.[1] ?? null, region?.[2] ?? null, region?.[3] ?? null, options.sourceOutfallMaxM ?? 10_000,
  ]);
  for (const sql of staleSourceFindingsSql(scope)) await client.query(sql, [runId, value]);
}

/** One unit of a run in its own transaction, its progress committed with it. */
async function unit(
  pool: pg.Pool,
  runId: number,
  onProgress: ((run: RunSummary) => void) | undefined,
  work: (client: pg.ClientBase) => Promise<void>,
): Promise<void> {
  await inTransaction(pool, async (client) => {
    // Compiling these statements costs seconds and saves nothing on scans of this size.
    await client.query('SET LOCAL jit = off');
    await work(client);
    await client.query(FIXED_SQL.unit_update_review_run, [runId]);
  });
  if (onProgress) {
    const run = await getRun(pool, runId);
    if (run) onProgress(run);
  }
}

async function resolveRegion(db: pg.Pool | pg.ClientBase, region: CheckOptions['region']): Promise<Region> {
  if (region === null) return null;
  if (region && region !== 'auto') return region;
  const { rows } = await db.query<{ w: number | null; s: number; e: number; n: number }>(
    FIXED_SQL.resolve_region_select_division,
  );
  const r = rows[0];
  return r && r.w !== null ? [r.w, r.s, r.e, r.n] : null;
}

interface RunRow {
  id: string; status: RunSummary['status']; scope: RunSummary['scope']; total_units: number; done_units: number;
  findings: number | null; error: string | null; started_at: Date; finished_at: Date | null; elapsed_ms: string | null;
}

function toSummary(r: RunRow): RunSummary {
  return {
    runId: Number(r.id), status: r.status, scope: r.scope, totalUnits: r.total_units, doneUnits: r.done_units,
    findings: r.findings === null ? null : Number(r.findings), error: r.error,
    startedAt: r.started_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null,
    elapsedMs: r.elapsed_ms === null ? null : Number(r.elapsed_ms),
  };
}
