import express, { Router, type Request } from 'express';
import { z } from 'zod';
import {
  applyReviewAction, CHECKS, findingForMap, findingsToCsv, findingsToXlsx, getRun, ItemsQuery, latestRun, listFindings,
  qualityFigures, ReviewActionBody, type RunSummary, ReviewConflictError, ReviewInputError, ReviewRunBusyError, sourceHistory, startReviewRun,
} from '../../geodata/review/index.ts';
import type { AppContext } from '../app.ts';
import { dbFor, principal, requireRole } from '../auth.ts';
import { HttpError } from '../http-errors.ts';

// Decimal digits only: Number() would also read '0x1' or '1e0' as 1.
const Id = z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be a positive whole number').transform(Number);
const FormatQuery = z.object({ format: z.enum(['json', 'csv', 'xlsx']).default('json') });
/** Most rows an export writes. */
const EXPORT_LIMIT = 200_000;

/**
 * Geolocation review: check runs, the suspected-error list (疑似错误清单) and its exports,
 * review actions with the edit log, source history and quality figures. Reading needs a
 * viewer, acting a reviewer; every read and edit runs in the caller's region scope. Check runs
 * are system work over every region (the findings they write are then read in scope).
 */
export function reviewRouter(ctx: AppContext): Router {
  const router = Router();
  const owner = ctx.db.pool;
  // Progress of the runs this process started, kept as they report it: polling them costs no
  // query, and on the embedded engine no statement races the run's own.
  const running = new Map<number, RunSummary>();
  router.use('/review', express.json({ limit: '1mb' }));

  router.get('/review/checks', (_req, res) => {
    res.json({ checks: CHECKS });
  });

  router.post('/review/run', requireRole('reviewer'), async (req, res) => {
    try {
      // The run goes on in the background; its first state comes from the INSERT itself (the
      // embedded engine does not take a second statement racing the run's first one well).
      let id = 0;
      const { runId, run, done } = await startReviewRun(owner, principal(req).name, {}, (p) => running.set(id, p));
      id = runId;
      running.set(runId, run);
      done.then(
        () => setTimeout(() => running.delete(runId), 60_000).unref(),
        () => setTimeout(() => running.delete(runId), 60_000).unref(),
      );
      res.status(202).location(`/api/review/runs/${runId}`).json(run);
    } catch (err) {
      if (err instanceof ReviewRunBusyError) throw new HttpError(409, err.message, { runId: err.runId });
      throw err;
    }
  });

  router.get('/review/runs/latest', async (req, res) => {
    const run = await latestRun(dbFor(req, owner));
    if (!run) throw new HttpError(404, 'no review run yet; POST /api/review/run starts one');
    res.set('Cache-Control', 'no-store').json(run);
  });

  router.get('/review/runs/:id', async (req, res) => {
    const runId = parse(Id, req.params.id, 'run id');
    const run = running.get(runId) ?? (await getRun(dbFor(req, owner), runId));
    if (!run) throw new HttpError(404, `no review run ${req.params.id}`);
    res.set('Cache-Control', 'no-store').json(run);
  });

  router.get('/review/items', async (req, res) => {
    const { format } = parse(FormatQuery, req.query, 'query');
    const query = { ...req.query } as Record<string, unknown>;
    delete query.format;
    if (format !== 'json') {
      query.limit ??= String(EXPORT_LIMIT);
      query.offset ??= '0';
    }
    const filter = parse(ItemsQuery, query, 'query');
    const page = await listFindings(dbFor(req, owner), filter);
    res.set('Cache-Control', 'no-store');
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment('review-items.csv').send(findingsToCsv(page.items));
    } else if (format === 'xlsx') {
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment('review-items.xlsx')
        .send(await findingsToXlsx(page.items));
    } else {
      res.json(page);
    }
  });

  router.get('/review/items/:id', async (req, res) => {
    const item = await findingForMap(dbFor(req, owner), parse(Id, req.params.id, 'finding id'));
    if (!item) throw new HttpError(404, `no finding ${req.params.id}`);
    res.set('Cache-Control', 'no-store').json(item);
  });

  router.post('/review/items/:id/actions', requireRole('reviewer'), async (req, res) => {
    const id = parse(Id, req.params.id, 'finding id');
    const actor = principal(req).name;
    const action = parse(ReviewActionBody, req.body, 'body');
    try {
      res.json(await applyReviewAction(dbFor(req, owner), id, action, actor));
    } catch (err) {
      if (err instanceof ReviewConflictError) throw new HttpError(409, err.message, { rowVersion: err.currentVersion });
      if (err instanceof ReviewInputError) throw new HttpError(err.status, err.message);
      throw err;
    }
  });

  router.get('/review/sources/:id/history', async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ history: await sourceHistory(dbFor(req, owner), parse(Id, req.params.id, 'source id')) });
  });

  router.get('/review/quality', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await qualityFigures(dbFor(req, owner)));
  });

  return router;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : what;
  throw new HttpError(400, `${what}: ${field}: ${issue.message}`);
}
