import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { z } from 'zod';
import { NewUserBody, ROLES, UserChangeBody, type Role } from '../model/api/auth.ts';
import { hashPassword, randomPassword, verifyPassword } from './password-hash.ts';
import { scopeOfRegion, type Scope } from './scope.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in accounts.sql beside it.
const FIXED_SQL = loadStatements(new URL('./accounts.sql', import.meta.url), ['delete_app_session', 'ensure_first_admin_select_app_user', 'ensure_first_admin_insert_app_user', 'create_session_insert_app_session', 'create_session_delete_app_session', 'session_user_select_app_session', 'end_session_delete_app_session']);

/** What each role may do; each includes the ones before it. */
export { NewUserBody, ROLES, UserChangeBody, type Role };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export interface User {
  readonly id: number;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: Role;
  /** Division-code prefix the user is bound to; null for national accounts. */
  readonly region: string | null;
  readonly disabled: boolean;
  readonly createdAt: string;
}

/** Who a request acts for: a signed-in user, or the anonymous viewer of a public demo. */
export interface Principal {
  readonly user: User | null;
  readonly name: string;
  readonly role: Role;
  readonly scope: Scope;
}

export class AccountError extends Error {
  constructor(message: string, readonly kind: 'invalid' | 'not_found' | 'conflict') {
    super(message);
  }
}

export type NewUser = z.infer<typeof NewUserBody>;

export type UserChange = z.infer<typeof UserChangeBody>;

const USER_COLUMNS = `id::int AS id, username, display_name AS "displayName", role, region, disabled, created_at AS "createdAt"`;

export async function listUsers(pool: pg.Pool): Promise<User[]> {
  return (await pool.query<User>(`SELECT ${USER_COLUMNS} FROM app_user ORDER BY username`)).rows;
}

export async function createUser(pool: pg.Pool, input: NewUser, createdBy: string): Promise<User> {
  const hash = await hashPassword(input.password);
  try {
    const { rows } = await pool.query<User>(
      `INSERT INTO app_user (username, display_name, password_hash, role, region, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
      [input.username, input.displayName ?? null, hash, input.role, input.region ?? null, createdBy],
    );
    return rows[0]!;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new AccountError(`user "${input.username}" already exists`, 'conflict');
    throw err;
  }
}

export async function changeUser(pool: pg.Pool, id: number, change: UserChange): Promise<User> {
  const hash = change.password ? await hashPassword(change.password) : null;
  const { rows } = await pool.query<User>(
    `UPDATE app_user SET
       display_name = CASE WHEN $2::boolean THEN $3 ELSE display_name END,
       password_hash = coalesce($4, password_hash),
       role = coalesce($5, role),
       region = CASE WHEN $6::boolean THEN $7 ELSE region END,
       disabled = coalesce($8, disabled)
     WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [id, change.displayName !== undefined, change.displayName ?? null, hash, change.role ?? null,
      change.region !== undefined, change.region ?? null, change.disabled ?? null],
  );
  if (!rows[0]) throw new AccountError(`no user ${id}`, 'not_found');
  // A changed password, role, region or a disabled account ends the user's sessions.
  if (hash || change.role || change.region !== undefined || change.disabled) {
    await pool.query(FIXED_SQL.delete_app_session, [id]);
  }
  return rows[0];
}

/**
 * The first start of a database without users creates `admin`, with the given password or a
 * random one that is returned (to be shown once). Later starts return null.
 */
export async function ensureFirstAdmin(pool: pg.Pool, password?: string): Promise<{ username: string; password: string; generated: boolean } | null> {
  const { rows } = await pool.query<{ n: number }>(FIXED_SQL.ensure_first_admin_select_app_user);
  if (rows[0]!.n > 0) return null;
  const chosen = password ?? randomPassword();
  const hash = await hashPassword(chosen);
  const inserted = await pool.query(
    FIXED_SQL.ensure_first_admin_insert_app_user,
    [hash],
  );
  return inserted.rowCount ? { username: 'admin', password: chosen, generated: password === undefined } : null;
}

/** The user when the password matches an enabled account; null otherwise (no hint which). */
export async function authenticate(pool: pg.Pool, username: string, password: string): Promise<User | null> {
  const { rows } = await pool.query<User & { hash: string }>(
    `SELECT ${USER_COLUMNS}, password_hash AS hash FROM app_user WHERE username = $1`, [username]);
  const row = rows[0];
  // Hash even for an unknown name, so the answer time does not tell which names exist.
  const ok = await verifyPassword(password, row?.hash ?? DUMMY_HASH);
  if (!row || !ok || row.disabled) return null;
  const { hash: _hash, ...user } = row;
  return user;
}
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface Session {
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest();

export async function createSession(pool: pg.Pool, userId: number, ttlHours: number): Promise<Session> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const { rows } = await pool.query<{ expiresAt: Date }>(
    FIXED_SQL.create_session_insert_app_session,
    [tokenHash(token), userId, csrfToken, ttlHours],
  );
  // Expired sessions go when new ones come; no timer needed on any replica.
  await pool.query(FIXED_SQL.create_session_delete_app_session);
  return { token, csrfToken, expiresAt: rows[0]!.expiresAt.toISOString() };
}

export async function sessionUser(pool: pg.Pool, token: string): Promise<{ user: User; csrfToken: string } | null> {
  const { rows } = await pool.query<User & { csrfToken: string }>(
    FIXED_SQL.session_user_select_app_session,
    [tokenHash(token)],
  );
  const row = rows[0];
  if (!row) return null;
  const { csrfToken, ...user } = row;
  return { user, csrfToken };
}

export async function endSession(pool: pg.Pool, token: string): Promise<void> {
  await pool.query(FIXED_SQL.end_session_delete_app_session, [tokenHash(token)]);
}

export function principalOf(user: User): Principal {
  return { user, name: user.username, role: user.role, scope: scopeOfRegion(user.region) };
}
