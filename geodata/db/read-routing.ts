import type pg from 'pg';
import { isDatabaseUnavailable } from './connection-errors.ts';
import { describeHost } from './postgres-url.ts';

/**
 * Reads over PostgreSQL's own streaming replicas (hot standbys): a health round every
 * `checkMs` asks each standby how far it has replayed and compares that with the primary's
 * WAL position, so lag is known in milliseconds even when nothing is being written (a replay
 * timestamp alone grows without bound on an idle primary). A standby that lags beyond
 * `maxLagMs` or stops answering serves no reads until a later round finds it well again;
 * with none left, reads go to the primary.
 */
export interface ReadRoutingOptions {
  /** The primary's pool of each kind (the fallback for every read). */
  readonly primary: (kind: PoolKind) => pg.Pool;
  readonly primaryName: string;
  readonly replicaUrls: readonly string[];
  /** Makes a pool of `kind` on a standby (search_path and session settings as on the primary). */
  readonly makePool: (url: string, kind: PoolKind) => pg.Pool;
  readonly maxLagMs: number;
  readonly checkMs: number;
  /** How long a read after the caller's own write waits for a standby to replay it (then: primary). */
  readonly waitMs: number;
}

/** 'api': the routes' pool; 'tiles': the tile pool with its planner settings. */
export type PoolKind = 'api' | 'tiles';

export interface NodeStatus {
  readonly name: string;
  /** 'primary': takes writes; 'replica': a hot standby; 'down': did not answer the last check. */
  readonly role: 'primary' | 'replica' | 'down';
  /** Configured as: the primary (DATABASE_URL) or a read node (YZT_READ_URLS). */
  readonly configured: 'primary' | 'read';
  readonly servesReads: boolean;
  /** How long ago the primary was where this node has replayed to (null: unknown). */
  readonly lagMs: number | null;
  readonly lsn: string | null;
  readonly error: string | null;
}

export interface ReadRouter {
  /**
   * A pg.Pool-shaped view for one read: connections come from a healthy standby that has
   * replayed `minLsn` (waiting up to waitMs for it), else from the primary. A standby that
   * fails a connection or statement is taken out at once; pool.query retries elsewhere.
   */
  readPool(minLsn: bigint | null, kind?: PoolKind): pg.Pool;
  /** The primary's WAL position now (a completed write is at or before it). */
  primaryLsn(): Promise<bigint>;
  status(): NodeStatus[];
  /** Runs one health round now (also run every checkMs). */
  check(): Promise<void>;
  readonly maxLagMs: number;
  close(): Promise<void>;
}

interface ReplicaNode {
  readonly name: string;
  readonly url: string;
  readonly pools: Partial<Record<PoolKind, pg.Pool>>;
  answered: boolean;
  standby: boolean;
  replayLsn: bigint | null;
  lagMs: number | null;
  error: string | null;
}

/** A position no standby reaches: the read goes to the primary at once. */
export const PRIMARY_ONLY = (1n << 64n) - 1n;

export function parseLsn(text: string): bigint {
  const m = /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(text.trim());
  if (!m) throw new Error(`not a PostgreSQL LSN: "${text}"`);
  return (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

const REPLICA_CHECK_SQL = `SELECT pg_is_in_recovery() AS standby,
  (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_flush_lsn() END)::text AS lsn`;
const REPLAY_SQL = 'SELECT pg_last_wal_replay_lsn()::text AS lsn';
const PRIMARY_LSN_SQL = 'SELECT pg_current_wal_flush_lsn()::text AS lsn';
// Samples of the primary's position kept to turn a standby's position into a lag in ms.
const HISTORY = 600;
const REPLAY_POLL_MS = 3;

export function createReadRouter(options: ReadRoutingOptions): ReadRouter {
  const nodes: ReplicaNode[] = options.replicaUrls.map((url) => ({
    name: describeHost(url), url, pools: {}, answered: false, standby: true, replayLsn: null, lagMs: null, error: 'not checked yet',
  }));
  const history: { at: number; lsn: bigint }[] = [];
  let primaryError: string | null = null;
  let primaryLsnSeen: bigint | null = null;
  let next = 0;
  let closed = false;

  const poolOf = (node: ReplicaNode, kind: PoolKind): pg.Pool => (node.pools[kind] ??= options.makePool(node.url, kind));
  const serves = (n: ReplicaNode) => n.answered && (n.lagMs === null || n.lagMs <= options.maxLagMs);
  const takeOut = (node: ReplicaNode, err: unknown) => {
    node.answered = false;
    node.error = (err as Error).message;
  };
  const seen = (node: ReplicaNode, lsn: bigint) => {
    if (node.replayLsn === null || lsn > node.replayLsn) node.replayLsn = lsn;
  };

  const lagOf = (lsn: bigint, now: number): number | null => {
    if (!history.length) return null;
    if (lsn >= history[history.length - 1]!.lsn) return 0;
    for (let i = history.length - 1; i >= 0; i--) if (history[i]!.lsn <= lsn) return now - history[i]!.at;
    return now - history[0]!.at;
  };

  const check = async () => {
    const now = Date.now();
    try {
      const { rows } = await options.primary('api').query<{ lsn: string }>(PRIMARY_LSN_SQL);
      const lsn = parseLsn(rows[0]!.lsn);
      primaryLsnSeen = lsn;
      history.push({ at: now, lsn });
      if (history.length > HISTORY) history.shift();
      primaryError = null;
    } catch (err) {
      primaryError = (err as Error).message;
    }
    await Promise.all(nodes.map(async (node) => {
      try {
        const { rows } = await poolOf(node, 'api').query<{ standby: boolean; lsn: string }>(REPLICA_CHECK_SQL);
        const lsn = parseLsn(rows[0]!.lsn);
        node.standby = rows[0]!.standby;
        node.replayLsn = lsn;
        // A promoted standby is a primary of its own: nothing to lag behind.
        node.lagMs = node.standby ? lagOf(lsn, now) : 0;
        node.answered = true;
        node.error = null;
      } catch (err) {
        takeOut(node, err);
      }
    }));
  };

  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    timer = setTimeout(() => {
      void check().finally(() => {
        if (!closed) loop();
      });
    }, options.checkMs);
    timer.unref();
  };
  loop();

  /** A standby that has replayed minLsn (waiting up to waitMs), or null for the primary. */
  const pick = async (minLsn: bigint | null, exclude: Set<ReplicaNode>): Promise<ReplicaNode | null> => {
    const candidates: ReplicaNode[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[(next + i) % nodes.length]!;
      if (serves(n) && !exclude.has(n)) candidates.push(n);
    }
    next = (next + 1) % Math.max(nodes.length, 1);
    if (!candidates.length) return null;
    if (minLsn === null) return candidates[0]!;
    if (minLsn === PRIMARY_ONLY) return null;
    const ready = candidates.find((n) => n.replayLsn !== null && n.replayLsn >= minLsn);
    if (ready) return ready;
    const node = candidates[0]!;
    const deadline = Date.now() + options.waitMs;
    try {
      for (;;) {
        const { rows } = await poolOf(node, 'api').query<{ lsn: string | null }>(REPLAY_SQL);
        if (rows[0]!.lsn === null) return null;
        const lsn = parseLsn(rows[0]!.lsn);
        seen(node, lsn);
        if (lsn >= minLsn) return node;
        if (Date.now() >= deadline) return null;
        await new Promise((r) => setTimeout(r, REPLAY_POLL_MS));
      }
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      takeOut(node, err);
      return pick(minLsn, new Set([...exclude, node]));
    }
  };

  const readPool = (minLsn: bigint | null, kind: PoolKind = 'api'): pg.Pool => {
    const primary = options.primary(kind);
    const tried = new Set<ReplicaNode>();
    const connect = async (): Promise<pg.PoolClient> => {
      for (;;) {
        const node = await pick(minLsn, tried);
        if (!node) return primary.connect();
        try {
          return watched(await poolOf(node, kind).connect(), node);
        } catch (err) {
          if (!isDatabaseUnavailable(err)) throw err;
          takeOut(node, err);
          tried.add(node);
        }
      }
    };
    // A statement that fails because its standby went away takes the standby out; the caller
    // (pool.query here, scopedPool for transactions) may then run the read again.
    const watched = (client: pg.PoolClient, node: ReplicaNode): pg.PoolClient => {
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<pg.QueryResult>;
      client.query = (async (...args: unknown[]) => {
        try {
          return await query(...args);
        } catch (err) {
          if (isDatabaseUnavailable(err)) {
            takeOut(node, err);
            tried.add(node);
          }
          throw err;
        }
      }) as typeof client.query;
      return client;
    };
    const view = {
      connect,
      async query(config: string | pg.QueryConfig, values?: unknown[]) {
        return retryRead(async () => {
          const client = await connect();
          let broken: unknown;
          try {
            return await client.query(config as pg.QueryConfig, values);
          } catch (err) {
            if (isDatabaseUnavailable(err)) broken = err;
            throw err;
          } finally {
            client.release(broken as Error | undefined);
          }
        });
      },
      on: () => view,
      end: () => Promise.resolve(),
      get totalCount() {
        return primary.totalCount;
      },
      get idleCount() {
        return primary.idleCount;
      },
      get waitingCount() {
        return primary.waitingCount;
      },
    };
    return view as unknown as pg.Pool;
  };

  return {
    readPool,
    maxLagMs: options.maxLagMs,
    async primaryLsn() {
      const { rows } = await options.primary('api').query<{ lsn: string }>(PRIMARY_LSN_SQL);
      return parseLsn(rows[0]!.lsn);
    },
    status() {
      const primary: NodeStatus = {
        name: options.primaryName, role: primaryError ? 'down' : 'primary', configured: 'primary',
        servesReads: !nodes.some(serves), lagMs: primaryError ? null : 0,
        lsn: primaryLsnSeen === null ? null : formatLsn(primaryLsnSeen), error: primaryError,
      };
      return [primary, ...nodes.map((n): NodeStatus => ({
        name: n.name, role: !n.answered ? 'down' : n.standby ? 'replica' : 'primary', configured: 'read',
        servesReads: serves(n), lagMs: n.answered ? n.lagMs : null,
        lsn: n.replayLsn === null ? null : formatLsn(n.replayLsn), error: n.error,
      }))];
    },
    check,
    async close() {
      closed = true;
      clearTimeout(timer);
      await Promise.all(nodes.flatMap((n) => Object.values(n.pools).map((p) => p.end().catch(() => {}))));
    },
  };
}

// A read that failed because its node went away is run again (reads are idempotent): on the
// next standby at once, and on the primary for as long as a failover takes (measured: a
// pg_ctl promote answers in under 2 s; pg_auto_failover's default timeouts take ~30 s).
export const READ_RETRY_MS = 10_000;
const RETRY_PAUSE_MS = 200;

export async function retryRead<T>(read: () => Promise<T>, budgetMs = READ_RETRY_MS): Promise<T> {
  const deadline = Date.now() + budgetMs;
  let attempt = 0;
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() >= deadline) throw err;
      // The first retry goes at once (another standby, or the primary); later ones wait.
      if (attempt++ > 0) await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
  }
}
