import type pg from 'pg';
import { retryRead } from '../db/read-routing.ts';
import { inTransaction } from '../db/transaction.ts';
import { type Scope } from './scope.ts';

/** The role requests run as (migration 007); it does not own the tables, so RLS applies. */
export const REQUEST_ROLE = 'yzt_app';

const ENTER = "SELECT set_config('role', $1, true), set_config('yzt.scope', $2, true)";
const TRANSACTION_START = /^\s*(BEGIN|START\s+TRANSACTION)\b/i;
const TRANSACTION_END = /^\s*(COMMIT|ROLLBACK|END|ABORT)\s*;?\s*$/i;

/** Switches an open transaction to the request role and scope; both end with the transaction. */
export async function enterScope(client: pg.ClientBase, scope: Scope): Promise<void> {
  await client.query(ENTER, [REQUEST_ROLE, scope]);
}

/** Runs `work` in one transaction on one connection, as the request role in `scope`. */
export function inScope<T>(pool: pg.Pool, scope: Scope, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await enterScope(client, scope);
    return work(client);
  });
}

/**
 * A pool for one request: every statement runs inside a transaction that has switched to the
 * request role and the caller's scope, so the database's row-level security filters it.
 * Code written against pg.Pool (pool.query, pool.connect + BEGIN/COMMIT) works unchanged:
 * a lone statement is wrapped in its own transaction, and a BEGIN on a checked-out client is
 * followed by the switch. Settings are transaction-local (set_config(..., true)) because the
 * embedded engine serves every connection from one PostgreSQL session.
 */
export function scopedPool(pool: pg.Pool, scope: Scope, options: { retryReads?: boolean } = {}): pg.Pool {
  const scoped = {
    query(config: string | pg.QueryConfig, values?: unknown[]) {
      const once = () => inScope(pool, scope, (client) => client.query(config as pg.QueryConfig, values));
      // A lone statement of a read is idempotent: run again when its node went away.
      return options.retryReads ? retryRead(once) : once();
    },
    async connect() {
      return scopedClient(await pool.connect(), scope);
    },
    on() {
      return scoped;
    },
    end: () => Promise.resolve(),
    get totalCount() {
      return pool.totalCount;
    },
    get idleCount() {
      return pool.idleCount;
    },
    get waitingCount() {
      return pool.waitingCount;
    },
  };
  return scoped as unknown as pg.Pool;
}

async function runWrapped(client: pg.ClientBase, scope: Scope, config: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult> {
  await client.query('BEGIN');
  try {
    await enterScope(client, scope);
    const result = await client.query(config as pg.QueryConfig, values);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

function scopedClient(client: pg.PoolClient, scope: Scope): pg.PoolClient {
  let open = false;
  const query = async (config: string | pg.QueryConfig, values?: unknown[]) => {
    const text = typeof config === 'string' ? config : config.text;
    if (TRANSACTION_START.test(text)) {
      const result = await client.query(config as pg.QueryConfig, values);
      await enterScope(client, scope);
      open = true;
      return result;
    }
    if (TRANSACTION_END.test(text)) {
      open = false;
      return client.query(config as pg.QueryConfig, values);
    }
    return open ? client.query(config as pg.QueryConfig, values) : runWrapped(client, scope, config, values);
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'query') return query;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
