import type pg from 'pg';
import { inTransaction } from '../db/transaction.ts';
import {
  OUTFALL_SQL, PATTERN_SQL, STALE_GROUP_SQL, sourceChecksSql, stackSql, staleSourceFindingsSql, staleStackSql, type SourceScope,
} from './check-sql.ts';

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
    `SELECT DISTINCT left(division_code, 6) AS county FROM source WHERE status IN ('active', 'closed') ORDER BY 1`,
  );
  // Units: stacking, one per county (plus "no division"), outfalls, batch patterns.
  const units = counties.rows.length + 3;
  const inserted = await pool.query<{ id: string }>(
    `INSERT INTO review_run (scope, actor, total_units)
     SELECT 'all', $1, $2
     WHERE NOT EXISTS (SELECT 1 FROM review_run WHERE scope = 'all' AND status = 'running' AND started_at > now() - interval '30 minutes')
     RETURNING id, status, scope, total_units, done_units, findings, error, started_at, finished_at, NULL AS elapsed_ms`,
    [actor, units],
  );
  if (inserted.rowCount === 0) {
    const busy = await pool.query<{ id: string }>(`SELECT id FROM review_run WHERE scope = 'all' AND status = 'running' ORDER BY id DESC LIMIT 1`);
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
    `INSERT INTO review_run (scope, actor, total_units) VALUES ('source', $1, 1) RETURNING id`, [actor],
  );
  const runId = Number(run.rows[0]!.id);
  const now = await client.query<{ x: number | null; y: number | null }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM source WHERE id = $1', [sourceId]);
  const here = now.rows[0];
  const region = await resolveRegion(client, options.region);
  const stackParams = [runId, options.stackMinNames ?? 4, here?.x ?? null, here?.y ?? null, previous?.[0] ?? null, previous?.[1] ?? null];
  await client.query(stackSql('points'), stackParams);
  await client.query(staleStackSql('points'), [...stackParams, sourceId]);
  await runSourceScope(client, runId, 'source', String(sourceId), region, options);
  await client.query(
    `UPDATE review_run SET status = 'done', done_units = 1, finished_at = clock_timestamp(),
       findings = (SELECT count(*) FROM review_finding WHERE run_id = $1) WHERE id = $1`, [runId],
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

const RUN_SELECT = `SELECT id, status, scope, total_units, done_units, findings, error, started_at, finished_at,
  round(extract(epoch FROM finished_at - started_at) * 1000) AS elapsed_ms FROM review_run`;

async function executeFullRun(
  pool: pg.Pool,
  runId: number,
  counties: readonly (string | null)[],
  options: CheckOptions,
  onProgress?: (run: RunSummary) => void,
): Promise<RunSummary> {
  try {
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
    });
    await pool.query(
      `UPDATE review_run SET status = 'done', finished_at = clock_timestamp(),
         findings = (SELECT count(*) FROM review_finding WHERE run_id = $1) WHERE id = $1`, [runId],
    );
  } catch (err) {
    await pool
      .query(`UPDATE review_run SET status = 'failed', error = $2, finished_at = clock_timestamp() WHERE id = $1`, [runId, (err as Error).message])
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
    await client.query('UPDATE review_run SET done_units = done_units + 1 WHERE id = $1', [runId]);
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
    `SELECT ST_XMin(b) - 0.1 AS w, ST_YMin(b) - 0.1 AS s, ST_XMax(b) + 0.1 AS e, ST_YMax(b) + 0.1 AS n
     FROM (SELECT ST_Extent(geom) AS b FROM division) t`,
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
