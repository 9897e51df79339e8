import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import {
  principalOf, roleAtLeast, scopedPool, scopeOfRegion, sessionUser, type Principal, type Role, type User,
} from '../geodata/access/index.ts';
import type { Config } from './config.ts';
import { routedPool } from './read-routing.ts';
import { HttpError } from './http-errors.ts';

export const SESSION_COOKIE = 'yzt_session';
export const CSRF_HEADER = 'x-csrf-token';

interface RequestAuth {
  /** null: no session and no anonymous access; only sign-in and health answer. */
  readonly principal: Principal | null;
  /** The session's CSRF token when the request came with the session cookie. */
  readonly cookieCsrf: string | null;
  readonly token: string | null;
}

const auths = new WeakMap<Request, RequestAuth>();
type SessionCache = LRUCache<string, { user: User; csrfToken: string } | false>;
const sessionCaches = new WeakMap<pg.Pool, SessionCache>();

/**
 * Drops cached session lookups of this process: one token after its logout, or all of them
 * after a user changed (their tokens are not known here), so the change applies at once.
 */
export function forgetSessions(pool: pg.Pool, token?: string): void {
  const cache = sessionCaches.get(pool);
  if (token) cache?.delete(token);
  else cache?.clear();
}

/** Who the request acts for; set by authenticate() before any route runs. */
export function principal(req: Request): Principal {
  const auth = auths.get(req);
  if (!auth) throw new Error('authenticate() did not run for this request');
  if (!auth.principal) throw new HttpError(401, 'sign in first: POST /api/auth/login (this server allows no anonymous access)');
  return auth.principal;
}

/** The CSRF token of the request's cookie session (null for Bearer and anonymous requests). */
export function csrfToken(req: Request): string | null {
  return auths.get(req)?.cookieCsrf ?? null;
}

export function sessionToken(req: Request): string | null {
  return auths.get(req)?.token ?? null;
}

/**
 * The request's view of the database: every statement runs as the request role with the
 * principal's scope, so row-level security applies (geodata/access/scoped-pool.ts).
 */
export function dbFor(req: Request, pool: pg.Pool): pg.Pool {
  // Reads may go to a standby (server/read-routing.ts decides); a read that loses its node
  // is run again, a write never is.
  const routed = routedPool(req, pool);
  return scopedPool(routed.pool, principal(req).scope, { retryReads: routed.read });
}

/** Whose writes a request's reads must see (server/read-routing.ts). */
export function writerKey(req: Request): string | null {
  const p = auths.get(req)?.principal;
  return p?.user ? String(p.user.id) : null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Finds the principal: a Bearer token (scripts, the load test, other services), the session
 * cookie (the browser), or the anonymous viewer when the configuration allows one. Cookie
 * requests that change something must carry the session's CSRF token in X-CSRF-Token.
 * Sessions are looked up in the database, cached for a few seconds per process, so a logout
 * or a disabled account takes effect on every replica within that time.
 */
export function authenticate(config: Config, pool: pg.Pool): RequestHandler {
  const cache: SessionCache = new LRUCache({ max: 10_000, ttl: 5_000 });
  sessionCaches.set(pool, cache);
  const lookup = async (token: string) => {
    const hit = cache.get(token);
    if (hit !== undefined) return hit || null;
    const found = await sessionUser(pool, token);
    cache.set(token, found ?? false);
    return found;
  };
  const anonymous: Principal | null = config.auth.anonymous
    ? { user: null, name: 'anonymous', role: config.auth.anonymous.role, scope: scopeOfRegion(config.auth.anonymous.region) }
    : null;

  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      // QGIS 3.22 has no plain header setting; its EsriToken auth method sends the same Bearer
      // token as X-Esri-Authorization, so desktop users can sign in without a proxy.
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? req.get('x-esri-authorization') ?? '')?.[1];
      if (bearer) {
        const found = await lookup(bearer);
        if (!found) throw new HttpError(401, 'the Bearer token is unknown or its session has ended; sign in again');
        auths.set(req, { principal: principalOf(found.user), cookieCsrf: null, token: bearer });
        return next();
      }
      const cookie = parseCookies(req.get('cookie') ?? '')[SESSION_COOKIE];
      const found = cookie ? await lookup(cookie) : null;
      if (found) {
        auths.set(req, { principal: principalOf(found.user), cookieCsrf: found.csrfToken, token: cookie! });
        if (!SAFE_METHODS.has(req.method) && req.get(CSRF_HEADER) !== found.csrfToken) {
          throw new HttpError(403, 'missing or wrong X-CSRF-Token header (a signed-in browser request that changes data must send the token from /api/auth/me)');
        }
        return next();
      }
      if (!SAFE_METHODS.has(req.method)) checkOrigin(req);
      if (anonymous) {
        auths.set(req, { principal: anonymous, cookieCsrf: null, token: null });
        return next();
      }
      auths.set(req, { principal: null, cookieCsrf: null, token: null });
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Lets on requests that act for someone: a session, or the anonymous viewer when allowed. */
export const signedIn: RequestHandler = (req, _res, next) => {
  try {
    principal(req);
    next();
  } catch (err) {
    next(err);
  }
};

/** Lets the request on only when its principal holds at least `role`. */
export function requireRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    const p = principal(req);
    if (roleAtLeast(p.role, role)) return next();
    next(new HttpError(p.user ? 403 : 401, p.user
      ? `${p.name} is a ${p.role}; this needs the ${role} role`
      : `sign in as a ${role} first: POST /api/auth/login`));
  };
}

/** Requests that pass the login itself must come from this site when the browser says where from. */
export function checkOrigin(req: Request): void {
  const origin = req.get('origin');
  if (!origin || origin === 'null') return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new HttpError(403, `Origin "${origin}" is not a URL`);
  }
  if (host !== req.get('host')) throw new HttpError(403, `cross-site request from ${origin} refused`);
}

export function sessionCookie(req: Request, token: string, expiresAt: Date): string {
  return serializeCookie(SESSION_COOKIE, token, {
    httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure, expires: expiresAt,
  });
}

export function clearedSessionCookie(req: Request): string {
  return serializeCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure, expires: new Date(0) });
}
