import { Router, type Request } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { API } from '../../geodata/model/api/index.ts';
import { LoginBody, UserId } from '../../geodata/model/api/auth.ts';
import { sendJson } from '../send-json.ts';
import {
  authenticate as checkPassword, changeUser, createSession, createUser, endSession, listUsers, NewUserBody, UserChangeBody,
} from '../../geodata/access/index.ts';
import type { AppContext } from '../app.ts';
import { clearedSessionCookie, csrfToken, forgetSessions, principal, requireRole, sessionCookie, sessionToken } from '../auth.ts';
import { HttpError, parseInput } from '../http-errors.ts';
import { jsonBody } from '../input-guard.ts';

/**
 * Sign-in (/api/auth/login, logout, me) and user administration (/api/users, admins only).
 * A login answers with the session as an HttpOnly cookie for the browser and as a token for
 * scripts (Authorization: Bearer), plus the CSRF token the browser sends with every change.
 */
export function authRouter(ctx: AppContext): Router {
  const router = Router();
  const pool = ctx.db.pool;
  router.use(['/auth', '/users'], jsonBody('16kb'));

  // Per client address and user name: guessing one account's password from many addresses
  // and many accounts from one address are both bounded. Failed attempts only count.
  const loginLimit = rateLimit({
    windowMs: 15 * 60_000,
    limit: ctx.config.auth.loginAttempts,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${typeof req.body?.username === 'string' ? req.body.username.toLowerCase() : ''}`,
    handler: (_req, res) => {
      res.status(429).json({ error: 'too many failed sign-ins; wait 15 minutes and try again' });
    },
  });

  router.post('/auth/login', loginLimit, async (req, res) => {
    const body = parseInput(LoginBody, req.body, 'body');
    const user = await checkPassword(pool, body.username, body.password);
    if (!user) throw new HttpError(401, 'wrong user name or password');
    const session = await createSession(pool, user.id, ctx.config.auth.sessionHours);
    res.set('Cache-Control', 'no-store').append('Set-Cookie', sessionCookie(req, session.token, new Date(session.expiresAt)));
    sendJson(res, API.auth.login, { user, token: session.token, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  router.post('/auth/logout', async (req, res) => {
    const token = sessionToken(req);
    if (token) {
      await endSession(pool, token);
      forgetSessions(pool, token);
    }
    sendJson(res.set('Cache-Control', 'no-store').append('Set-Cookie', clearedSessionCookie(req)), API.auth.logout, { ok: true });
  });

  router.get('/auth/me', (req, res) => {
    const p = principal(req);
    sendJson(res.set('Cache-Control', 'no-store'), API.auth.me, {
      user: p.user, name: p.name, role: p.role, scope: p.scope, csrfToken: csrfToken(req), anonymousAllowed: ctx.config.auth.anonymous !== null,
    });
  });

  router.get('/users', requireRole('admin'), async (req, res) => {
    requireNational(req);
    sendJson(res.set('Cache-Control', 'no-store'), API.auth.users, { users: await listUsers(pool) });
  });

  router.post('/users', requireRole('admin'), async (req, res) => {
    const admin = requireNational(req);
    const body = parseInput(NewUserBody, req.body, 'body');
    sendJson(res.status(201), API.auth.createUser, await createUser(pool, body, admin));
  });

  router.patch('/users/:id', requireRole('admin'), async (req, res) => {
    requireNational(req);
    const id = parseInput(UserId, req.params.id, 'path.id');
    const change = parseInput(UserChangeBody, req.body, 'body');
    const user = await changeUser(pool, id, change);
    forgetSessions(pool);
    sendJson(res, API.auth.changeUser, user);
  });

  return router;
}

/** Users are managed by national admins: a district admin could otherwise widen its own region. */
function requireNational(req: Request): string {
  const p = principal(req);
  if (p.scope !== '*') throw new HttpError(403, `${p.name} is bound to region ${p.scope}; only national admins manage users`);
  return p.name;
}
