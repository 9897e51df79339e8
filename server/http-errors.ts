import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import type { Logger } from 'pino';
import { AccountError } from '../geodata/access/accounts.ts';
import { refusalOf, type RefusalKind } from '../geodata/db/database-refusal.ts';
import { ImportFileError } from '../geodata/import/types.ts';
import { ContractError } from './send-json.ts';
import { NetworkBuildError } from '../geodata/network/build-network.ts';
import { NetworkLookupError } from '../geodata/network/trace.ts';
import { ListDecisionError, ListUnitNotFoundError, SampleItemNotFoundError } from '../geodata/quality/index.ts';
import { ReviewConflictError, ReviewInputError } from '../geodata/review/review-actions.ts';
import { ReviewRunBusyError } from '../geodata/review/run-checks.ts';
import { TileAddressError } from '../tiles/tile-address.ts';
import { TileFilterError } from '../tiles/tile-filters.ts';
import { TileNotFoundError } from '../tiles/tile-service.ts';
import { isDatabaseUnavailable } from '../geodata/db/connection-errors.ts';

export { isDatabaseUnavailable };

/**
 * The one mapping from errors to HTTP answers. Every error answer has the same shape,
 * `{ error, details? }`: `error` is a sentence for people, `details` what a program needs
 * (for bad input, `[{ field, reason }]`; for a conflict, the current row version or run id).
 * Domain errors carry no HTTP status; this file decides them. Database refusals are read by
 * their SQLSTATE in geodata/db/database-refusal.ts, and their own wording (constraint and table
 * names) never reaches the caller.
 */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface FieldProblem {
  /** Where the value was: `query.limit`, `body.area.geometry`, `path segment 4`, `field crs`. */
  readonly field: string;
  readonly reason: string;
}

/** The 400 for bad input, in the one format every route uses. */
export function invalidInput(problems: readonly FieldProblem[]): HttpError {
  return new HttpError(400, `invalid request: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`, problems);
}

/** Validates request input with a zod schema; a 400 names each field and what is wrong with it. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    throw invalidInput(parsed.error.issues.map((i) => ({ field: [where, ...i.path.map(String)].join('.'), reason: i.message })));
  }
  return parsed.data;
}

const REFUSAL_STATUS: Record<RefusalKind, number> = {
  duplicate: 409, outside_scope: 403, missing_reference: 409, bad_value: 400, unavailable: 503,
};

interface Answer {
  status: number;
  error: string;
  details?: unknown;
}

/** The answer for a known error, or null for a bug. */
export function answerFor(err: unknown): Answer | null {
  if (err instanceof HttpError) return { status: err.status, error: err.message, details: err.details };
  if (err instanceof ReviewConflictError) return { status: 409, error: err.message, details: { rowVersion: err.currentVersion } };
  if (err instanceof ReviewRunBusyError) return { status: 409, error: err.message, details: { runId: err.runId } };
  if (err instanceof ReviewInputError) return { status: { not_found: 404, forbidden: 403, conflict: 409, invalid: 400 }[err.kind], error: err.message };
  if (err instanceof AccountError) return { status: { not_found: 404, conflict: 409, invalid: 400 }[err.kind], error: err.message };
  if (err instanceof NetworkLookupError) return { status: err.kind === 'not_found' ? 404 : 409, error: err.message };
  if (err instanceof NetworkBuildError) return { status: 400, error: err.message };
  if (err instanceof TileNotFoundError) return { status: 404, error: err.message };
  if (err instanceof ListUnitNotFoundError || err instanceof SampleItemNotFoundError) return { status: 404, error: err.message };
  if (err instanceof ListDecisionError) return { status: 409, error: err.message };
  if (err instanceof TileAddressError || err instanceof TileFilterError) return { status: 400, error: err.message };
  if (err instanceof ImportFileError) return { status: 400, error: err.message };
  // Only with YZT_CHECK_ANSWERS: the message names the route and the member, for the test that met it.
  if (err instanceof ContractError) return { status: 500, error: err.message };
  const refusal = refusalOf(err);
  if (refusal) return { status: REFUSAL_STATUS[refusal.kind], error: refusal.reason };
  // body-parser, busboy and express itself mark client errors (bad JSON, too large, bad path encoding).
  const status = (err as { status?: number } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, error: (err as Error).message };
  return null;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) {
      res.destroy(err as Error);
      return;
    }
    const answer = answerFor(err);
    if (!answer) {
      logger.error({ err, url: req.originalUrl }, 'request failed');
      res.status(500).json({ error: 'internal error' });
      return;
    }
    if (isDatabaseUnavailable(err)) {
      // The connection's own message (ECONNREFUSED, "terminating connection") names no data.
      logger.warn({ err, url: req.originalUrl }, 'database unavailable');
      res.status(503).set('Retry-After', '5').json({ error: 'database unavailable', reason: (err as Error).message });
      return;
    }
    res.status(answer.status).json(answer.details === undefined ? { error: answer.error } : { error: answer.error, details: answer.details });
  };
}
