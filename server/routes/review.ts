import { Router } from 'express';
import {
  addFindingComment, AssignDistrictBody, assignDistrict, CommentBody, findingComments,
  applyBatchAction, applyReviewAction, BatchActionBody, CHECKS, findingExportRow, findingForMap, findingOutlines, FINDING_EXPORT_COLUMNS, getRun, ItemsQuery, latestRun, listFindings,
  qualityFigures, ReviewActionBody, type RunSummary, sourceHistory, startReviewRun, undoReviewAction,
} from '../../geodata/review/index.ts';
import type { AppContext } from '../app.ts';
import { dbFor, principal, requireRole } from '../auth.ts';
import { HttpError, parseInput as parse } from '../http-errors.ts';
import { jsonBody } from '../input-guard.ts';
import { sendExport } from '../send-export.ts';
import { sendJson } from '../send-json.ts';
import { API } from '../../geodata/model/api/index.ts';
import { PathId } from '../../geodata/model/api/contract.ts';
import { ItemsFormatQuery, UndoBody } from '../../geodata/model/api/review.ts';

const Id = PathId;
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
  router.use('/review', jsonBody('1mb'));

  router.get('/review/checks', (_req, res) => {
    sendJson(res, API.review.checks, { checks: CHECKS });
  });

  router.post('/review/run', requireRole('reviewer'), async (req, res) => {
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
    sendJson(res.status(202).location(`/api/review/runs/${runId}`), API.review.run, run);
  });

  router.get('/review/runs/latest', async (req, res) => {
    const run = await latestRun(dbFor(req, owner));
    if (!run) throw new HttpError(404, 'no review run yet; POST /api/review/run starts one');
    sendJson(res.set('Cache-Control', 'no-store'), API.review.latestRun, run);
  });

  router.get('/review/runs/:id', async (req, res) => {
    const runId = parse(Id, req.params.id, 'path.id');
    // The progress kept here carries the national finding count once done: scoped callers read theirs.
    const kept = running.get(runId);
    const run = kept && (kept.status === 'running' || principal(req).scope === '*') ? kept : await getRun(dbFor(req, owner), runId);
    if (!run) throw new HttpError(404, `no review run ${req.params.id}`);
    sendJson(res.set('Cache-Control', 'no-store'), API.review.runById, run);
  });

  router.get('/review/items', async (req, res) => {
    const { format, encoding } = parse(ItemsFormatQuery, req.query, 'query');
    const query = { ...req.query } as Record<string, unknown>;
    delete query.format;
    delete query.encoding;
    if (format !== 'json') {
      query.limit ??= String(EXPORT_LIMIT);
      query.offset ??= '0';
      // A file holds the rows only.
      query.counts = 'false';
    }
    // "My queue": assignee=me is the caller.
    if (query.assignee === 'me') query.assignee = principal(req).name;
    const filter = parse(ItemsQuery, query, 'query');
    const page = await listFindings(dbFor(req, owner), filter);
    res.set('Cache-Control', 'no-store');
    if (format === 'json') {
      sendJson(res, API.review.items, page);
      return;
    }
    const items = page.items;
    await sendExport(res, {
      format, encoding, db: dbFor(req, owner), fileName: 'review-items',
      table: {
        name: '疑似错误清单', layer: 'review_findings', columns: FINDING_EXPORT_COLUMNS, point: { lon: 'lon', lat: 'lat' },
        rows: (async function* () { for (const i of items) yield findingExportRow(i); })(),
      },
    });
  });

  router.get('/review/items/:id', async (req, res) => {
    const item = await findingForMap(dbFor(req, owner), parse(Id, req.params.id, 'path.id'));
    if (!item) throw new HttpError(404, `no finding ${req.params.id}`);
    sendJson(res.set('Cache-Control', 'no-store'), API.review.item, item);
  });

  router.get('/review/items/:id/outlines', async (req, res) => {
    const bytes = await findingOutlines(dbFor(req, owner), parse(Id, req.params.id, 'finding id'));
    if (!bytes) throw new HttpError(404, `no finding ${req.params.id}`);
    res.set('Cache-Control', 'no-store').type('application/x-protobuf').send(Buffer.from(bytes));
  });

  router.post('/review/items/:id/actions', requireRole('reviewer'), async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const actor = principal(req).name;
    const action = parse(ReviewActionBody, req.body, 'body');
    sendJson(res, API.review.action, await applyReviewAction(dbFor(req, owner), id, action, actor));
  });

  router.post('/review/batch-actions', requireRole('reviewer'), async (req, res) => {
    sendJson(res, API.review.batch, await applyBatchAction(dbFor(req, owner), parse(BatchActionBody, req.body, 'body'), principal(req).name));
  });

  router.post('/review/undo', requireRole('reviewer'), async (req, res) => {
    const { editLogId } = parse(UndoBody, req.body, 'body');
    sendJson(res, API.review.undo, await undoReviewAction(dbFor(req, owner), editLogId, principal(req).name));
  });

  router.post('/review/assignments', requireRole('reviewer'), async (req, res) => {
    sendJson(res, API.review.assign, await assignDistrict(dbFor(req, owner), principal(req).name, parse(AssignDistrictBody, req.body, 'body')));
  });

  router.get('/review/items/:id/comments', async (req, res) => {
    sendJson(res.set('Cache-Control', 'no-store'), API.review.comments, { comments: await findingComments(dbFor(req, owner), parse(Id, req.params.id, 'path.id')) });
  });

  router.post('/review/items/:id/comments', requireRole('reviewer'), async (req, res) => {
    const { body } = parse(CommentBody, req.body, 'body');
    sendJson(res.status(201), API.review.comment, await addFindingComment(dbFor(req, owner), parse(Id, req.params.id, 'path.id'), principal(req).name, body));
  });

  router.get('/review/sources/:id/history', async (req, res) => {
    sendJson(res.set('Cache-Control', 'no-store'), API.review.history, { history: await sourceHistory(dbFor(req, owner), parse(Id, req.params.id, 'path.id')) });
  });

  router.get('/review/quality', async (req, res) => {
    sendJson(res.set('Cache-Control', 'no-store'), API.review.quality, await qualityFigures(dbFor(req, owner)));
  });

  return router;
}
