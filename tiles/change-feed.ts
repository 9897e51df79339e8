import type pg from 'pg';
import { newClient } from '../geodata/db/postgres-url.ts';
import type { LonLatBox } from './tile-address.ts';
import type { DataChange } from './tile-cache.ts';
import { loadStatements } from '../geodata/db/sql-statements.ts';

// The fixed statements of this file, by name, in change-feed.sql beside it.
const FIXED_SQL = loadStatements(new URL('./change-feed.sql', import.meta.url), ['poll_select_tile_change', 'read_once_select_tile_change', 'select', 'delete_tile_change']);

export interface ChangeFeedOptions {
  readonly pool: pg.Pool;
  /** Schema whose tile_change log to follow (notifications from other schemas are ignored). */
  readonly schema: string;
  /** A connection string for a LISTEN connection; absent where NOTIFY does not reach other connections. */
  readonly listenUrl?: string | undefined;
  readonly pollMs: number;
  /**
   * `atLsn` (with `withLsn`): the primary's WAL position read after the changes, so a tile
   * drawn on a standby afterwards can wait until the standby has replayed them.
   */
  readonly onChanges: (changes: DataChange[], atLsn: string | null) => void;
  readonly withLsn?: boolean;
  readonly onError?: (err: unknown) => void;
}

/** How far behind the data the feed is, for /metrics (server/metrics.ts). */
export interface ChangeFeedStats {
  /** Seconds between the oldest change of the last batch being logged and the feed applying it; null before any change. */
  readonly lagSeconds: number | null;
  /** When the log was last read without error (ms since the epoch); a stalled feed shows here first. */
  readonly lastReadAt: number;
  /** Changes applied since the feed started. */
  readonly changesApplied: number;
  /** Sequence numbers skipped over, waiting for a transaction that may still commit. */
  readonly waitingGaps: number;
}

export interface ChangeFeed {
  /** Reads the log now (also done on every poll and notification). */
  poll(): Promise<void>;
  stats(): ChangeFeedStats;
  stop(): Promise<void>;
}

// A sequence number not seen yet may belong to a transaction still running (it commits
// after a later one); after this long it is taken to have rolled back.
const GAP_PATIENCE_MS = 60_000;
// Log rows older than this are deleted by whichever server gets there first.
const KEEP_LOG_MS = 60 * 60_000;

/**
 * Follows the tile_change log by sequence number. Polling works on both engines; where a
 * LISTEN connection is given, NOTIFY wakes the poll at once. Sequence numbers are handed
 * out before commit, so the feed keeps a low-water mark below any gap rather than a
 * plain "highest seen", and a change committed late by a long transaction is still read.
 */
export async function startChangeFeed(options: ChangeFeedOptions): Promise<ChangeFeed> {
  const { pool } = options;
  const start = await pool.query<{ seq: string | null }>(FIXED_SQL.poll_select_tile_change);
  let low = Number(start.rows[0]?.seq ?? 0);
  const seenAbove = new Set<number>();
  const gapSince = new Map<number, number>();
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let lastPrune = 0;
  let lagSeconds: number | null = null;
  let lastReadAt = Date.now();
  let changesApplied = 0;

  const readOnce = async () => {
    const { rows } = await pool.query<{ seq: string; table_name: string; west: number | null; south: number | null; east: number | null; north: number | null; age_s: number }>(
      FIXED_SQL.read_once_select_tile_change,
      [low],
    );
    const changes: DataChange[] = [];
    let oldest = 0;
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seenAbove.has(seq)) continue;
      seenAbove.add(seq);
      oldest = Math.max(oldest, Number(r.age_s));
      const box: LonLatBox | null = r.west === null ? null : [r.west, r.south!, r.east!, r.north!];
      changes.push({ table: r.table_name, box });
    }
    advanceLowWater();
    if (changes.length) {
      const atLsn = options.withLsn
        ? (await pool.query<{ lsn: string }>(FIXED_SQL.select)).rows[0]!.lsn
        : null;
      options.onChanges(changes, atLsn);
      lagSeconds = oldest;
      changesApplied += changes.length;
    }
    lastReadAt = Date.now();
    if (Date.now() - lastPrune > KEEP_LOG_MS / 4) {
      lastPrune = Date.now();
      await pool.query(FIXED_SQL.delete_tile_change, [KEEP_LOG_MS / 1000]);
    }
  };

  const advanceLowWater = () => {
    const now = Date.now();
    for (;;) {
      if (seenAbove.has(low + 1)) {
        seenAbove.delete(low + 1);
        gapSince.delete(low + 1);
        low++;
        continue;
      }
      if (seenAbove.size === 0) break;
      const since = gapSince.get(low + 1);
      if (since === undefined) {
        gapSince.set(low + 1, now);
        break;
      }
      if (now - since < GAP_PATIENCE_MS) break;
      gapSince.delete(low + 1);
      low++;
    }
  };

  const poll = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await readOnce();
        } while (again && !stopped);
      } catch (err) {
        options.onError?.(err);
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const listener = options.listenUrl ? await startListener(options.listenUrl, options.schema, poll, options.onError) : null;
  const timer = setInterval(() => void poll(), options.pollMs);
  timer.unref();

  return {
    poll,
    stats: () => ({ lagSeconds, lastReadAt, changesApplied, waitingGaps: gapSince.size }),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await listener?.stop();
    },
  };
}

interface Listener {
  stop(): Promise<void>;
}

const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 30_000;

/**
 * A LISTEN connection that comes back by itself: when the database restarts or the network
 * drops it, it reconnects with a growing delay, and polls once it is back, since every
 * notification sent in between is lost.
 */
async function startListener(url: string, schema: string, poll: () => Promise<void>, onError?: (err: unknown) => void): Promise<Listener> {
  let client: pg.Client | null = null;
  let stopped = false;
  let delay = RECONNECT_FIRST_MS;
  let timer: NodeJS.Timeout | undefined;

  const open = async (): Promise<void> => {
    const c = newClient(url);
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (err) onError?.(err);
      if (client === c) client = null;
      c.end().catch(() => {});
      if (!stopped) schedule();
    };
    c.on('error', onLost);
    c.on('end', () => onLost());
    c.on('notification', (n) => {
      if (n.channel === 'yzt_tile_change' && n.payload === schema) void poll();
    });
    try {
      await c.connect();
      await c.query('LISTEN yzt_tile_change');
    } catch (err) {
      onLost(err);
      throw err;
    }
    client = c;
    delay = RECONNECT_FIRST_MS;
  };

  // Each retry waits twice as long as the one before; a connection that opens resets it.
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (stopped) return;
      open().then(() => poll(), () => {});
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  };

  try {
    await open();
  } catch (err) {
    stopped = true;
    clearTimeout(timer);
    throw err;
  }
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
