import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import { formatLsn, parseLsn, PRIMARY_ONLY, type ReadRouter } from '../geodata/db/read-routing.ts';

/**
 * The one place where a request's database node is decided. Reads (GET and HEAD, and the two
 * POSTs that only carry a long filter) go to a healthy hot standby; everything else, and
 * sign-in, sessions, LISTEN and check runs (system work on the owner pool), to the primary.
 *
 * Read-your-writes: when a request that writes has answered, the primary's WAL position is
 * remembered for its user (in this process, and in a short-lived cookie so another server
 * behind the load balancer knows it too); that user's reads then come from a standby only
 * once it has replayed that far (waiting up to YZT_READ_YOUR_WRITES_MS), else from the primary.
 */
export const LSN_COOKIE = 'yzt_lsn';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const READ_ONLY_POSTS = new Set(['/api/explore/query', '/api/explore/export']);
// After this long every standby within the lag bound has replayed the write anyway.
const REMEMBER_MS = 60_000;

interface Routing {
  readonly reads: ReadRouter;
  readonly minLsn: bigint | null;
}

const routed = new WeakMap<Request, Routing>();

export function readsOnly(req: Request): boolean {
  if (READ_METHODS.has(req.method)) return true;
  return req.method === 'POST' && READ_ONLY_POSTS.has(req.originalUrl.split('?')[0]!);
}

/** The pool a request's statements run on: a read view over the standbys, or `primary`. */
export function routedPool(req: Request, primary: pg.Pool): { pool: pg.Pool; read: boolean } {
  const r = routed.get(req);
  if (!r) return { pool: primary, read: false };
  return { pool: r.reads.readPool(r.minLsn), read: true };
}

/** The user's own last write position, for tile requests (tiles/ knows no HTTP). */
export function minLsnOf(req: Request): bigint | null {
  return routed.get(req)?.minLsn ?? null;
}

/**
 * Runs after authenticate(): `userKey` names whose writes a read must see (the user id of the
 * session; null for anonymous requests, which cannot write).
 */
export function routeRequests(reads: ReadRouter | null, userKey: (req: Request) => string | null): RequestHandler {
  if (!reads) return (_req, _res, next) => next();
  const lastWrite = new LRUCache<string, bigint>({ max: 100_000, ttl: REMEMBER_MS });
  return (req: Request, res: Response, next: NextFunction) => {
    const key = userKey(req);
    if (readsOnly(req)) {
      let minLsn = key ? (lastWrite.get(key) ?? null) : null;
      const fromCookie = cookieLsn(req);
      if (fromCookie !== null && (minLsn === null || fromCookie > minLsn)) minLsn = fromCookie;
      routed.set(req, { reads, minLsn });
      return next();
    }
    if (!key) return next();
    // Hold the end of the answer until the write's position is known: the user's next read
    // may be on its way the moment the answer arrives.
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      reads.primaryLsn().then(
        (lsn) => {
          const prior = lastWrite.get(key);
          if (prior === undefined || lsn > prior) lastWrite.set(key, lsn);
          if (!res.headersSent) {
            res.append('Set-Cookie', serializeCookie(LSN_COOKIE, formatLsn(lsn), {
              httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure, maxAge: REMEMBER_MS / 1000,
            }));
          }
        },
        // The primary went away after the write: this user reads from the primary (whichever
        // node that becomes) until the position is known again.
        () => lastWrite.set(key, PRIMARY_ONLY),
      ).finally(() => end(...args));
      return res;
    }) as typeof res.end;
    next();
  };
}

function cookieLsn(req: Request): bigint | null {
  const text = parseCookies(req.get('cookie') ?? '')[LSN_COOKIE];
  if (!text) return null;
  try {
    return parseLsn(text);
  } catch {
    return null;
  }
}
