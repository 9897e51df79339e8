import { z } from 'zod';
import { route } from './contract.ts';

/** Sign-in (/api/auth) and user administration (/api/users) (server/routes/auth.ts). */

/** What each role may do; each includes the ones before it. */
export const ROLES = ['viewer', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** A region: a division-code prefix of 2-12 digits (44 Guangdong, 4403 Shenzhen, 440305 Nanshan). */
export const REGION_PREFIX = /^[0-9]{2,12}$/;

// ---------- requests ----------

export const LoginBody = z.object({
  username: z.string().trim().min(1, 'required').max(64),
  password: z.string().min(1, 'required').max(200),
}).strict();

export const NewUserBody = z.object({
  username: z.string().trim().regex(/^[\p{L}\p{N}_.@-]{1,64}$/u, 'letters (any script), digits and _ . @ - only, at most 64'),
  displayName: z.string().trim().max(100).nullish(),
  password: z.string().min(10, 'at least 10 characters').max(200),
  role: z.enum(ROLES),
  region: z.string().regex(REGION_PREFIX, 'a division-code prefix of 2-12 digits').nullish(),
}).strict();

export const UserChangeBody = z.object({
  displayName: z.string().trim().max(100).nullish(),
  password: z.string().min(10, 'at least 10 characters').max(200).optional(),
  role: z.enum(ROLES).optional(),
  region: z.string().regex(REGION_PREFIX, 'a division-code prefix of 2-12 digits').nullish(),
  disabled: z.boolean().optional(),
}).strict();

export const UserId = z.coerce.number().int().positive();

// ---------- answers ----------

export const User = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: z.enum(ROLES),
  /** Division-code prefix the user is bound to; null for national accounts. */
  region: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export const LoginAnswer = z.object({ user: User, token: z.string(), csrfToken: z.string(), expiresAt: z.string() });
/** Who the page acts for: a signed-in user, or the anonymous viewer of a public demo. */
export const MeAnswer = z.object({
  user: User.nullable(),
  name: z.string(),
  role: z.enum(ROLES),
  scope: z.string(),
  csrfToken: z.string().nullable(),
  anonymousAllowed: z.boolean(),
});
export const UsersAnswer = z.object({ users: z.array(User) });
export const LogoutAnswer = z.object({ ok: z.literal(true) });

export const AUTH_ROUTES = {
  login: route({ method: 'POST', path: '/api/auth/login', body: LoginBody, response: LoginAnswer }),
  logout: route({ method: 'POST', path: '/api/auth/logout', response: LogoutAnswer }),
  me: route({ method: 'GET', path: '/api/auth/me', response: MeAnswer }),
  users: route({ method: 'GET', path: '/api/users', response: UsersAnswer }),
  createUser: route({ method: 'POST', path: '/api/users', body: NewUserBody, response: User }),
  changeUser: route({ method: 'PATCH', path: '/api/users/:id', params: z.object({ id: UserId }), body: UserChangeBody, response: User }),
};
