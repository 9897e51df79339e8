import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import type { Logger } from 'pino';

/** An error whose message is safe and useful to show the caller, with its HTTP status. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'HttpError';
  }
}

// Connection-level failures: the database is away (restarting, network, pool exhausted);
// the request may succeed later, so the caller gets 503, not 500.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03']);
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i;

/** Validates request input with a zod schema; a 400 names the field and what is wrong. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`);
    throw new HttpError(400, `invalid request: ${issues.join('; ')}`, parsed.error.issues);
  }
  return parsed.data;
}

/** Row-level security refused a write: the row lies outside the caller's region. */
export function isOutsideScope(err: unknown): boolean {
  return err instanceof Error && (err as { code?: string }).code === '42501' && /row-level security/i.test(err.message);
}

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  if (code && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  return CONNECTION_MESSAGES.test(err.message);
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) {
      res.destroy(err as Error);
      return;
    }
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.message, details: err.details });
      return;
    }
    if (isOutsideScope(err)) {
      res.status(403).json({ error: 'outside your region: the data you tried to write belongs to another division', reason: (err as Error).message });
      return;
    }
    if (isDatabaseUnavailable(err)) {
      logger.warn({ err, url: req.originalUrl }, 'database unavailable');
      res.status(503).set('Retry-After', '5').json({ error: 'database unavailable', reason: (err as Error).message });
      return;
    }
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: (err as Error).message });
      return;
    }
    logger.error({ err, url: req.originalUrl }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  };
}
