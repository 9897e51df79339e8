import type pg from 'pg';
import { createSession, createUser, type Role } from '../../geodata/access/index.ts';

export interface TestUser {
  readonly username: string;
  readonly password: string;
  readonly token: string;
  /** Authorization header for fetch. */
  readonly headers: Record<string, string>;
}

let serial = 0;

/** A real account and session in the test schema (the same code as /api/users and login). */
export async function testUser(pool: pg.Pool, role: Role, region: string | null = null, name?: string): Promise<TestUser> {
  const username = name ?? `${role}${region ?? ''}_${++serial}`;
  const password = `pw-${username}-0123456789`;
  const user = await createUser(pool, { username, password, role, region }, 'test');
  const session = await createSession(pool, user.id, 1);
  return { username, password, token: session.token, headers: { authorization: `Bearer ${session.token}` } };
}
