import pg from 'pg';
import { loadStatements } from './sql-statements.ts';

// The fixed statements of this file, by name, in postgres-url.sql beside it.
const FIXED_SQL = loadStatements(new URL('./postgres-url.sql', import.meta.url), ['check_role_select']);

/**
 * node-postgres takes one host per connection string; libpq also takes a list
 * (`postgres://u@h1:5432,h2:5432/db?target_session_attrs=read-write`) and connects to the first
 * host that answers and, with read-write, is not a standby. That is how a server follows the
 * primary across a failover (pg_auto_failover prints such a URL: `pg_autoctl show uri`), so
 * this module gives pg the same: a Client class that connects to the host last found to be the
 * primary and moves on to the next host when that one refuses or turns out to be a standby.
 */
export interface ParsedPostgresUrl {
  readonly hosts: readonly { host: string; port: number }[];
  /** 'read-write' (also given as 'primary'): only a node that is not in recovery will do. */
  readonly targetSessionAttrs: 'any' | 'read-write';
  /** One single-host connection string per host, without target_session_attrs. */
  readonly urls: readonly string[];
}

const URL_SHAPE = /^(postgres(?:ql)?):\/\/(?:([^@/]*)@)?([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/;

export function parsePostgresUrl(url: string): ParsedPostgresUrl {
  const m = URL_SHAPE.exec(url);
  if (!m) throw new Error(`database URL "${redact(url)}" is not postgres://[user[:password]@]host[:port][,host[:port]...]/database`);
  const [, scheme, auth, hostList, path = '', query = ''] = m;
  const params = new URLSearchParams(query.slice(1));
  const attrs = params.get('target_session_attrs') ?? 'any';
  params.delete('target_session_attrs');
  if (!['any', 'read-write', 'primary'].includes(attrs)) {
    throw new Error(`database URL: target_session_attrs=${attrs} is not supported (use read-write, primary or any)`);
  }
  const hosts = (hostList ?? '').split(',').filter(Boolean).map((h) => {
    const hp = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(h);
    if (!hp) throw new Error(`database URL: host "${h}" is not host[:port]`);
    return { host: hp[1]!, port: hp[2] ? Number(hp[2]) : 5432 };
  });
  if (!hosts.length) throw new Error(`database URL "${redact(url)}" names no host`);
  const rest = params.toString();
  const urls = hosts.map((h) => `${scheme}://${auth !== undefined ? `${auth}@` : ''}${h.host}:${h.port}${path}${rest ? `?${rest}` : ''}`);
  return { hosts, targetSessionAttrs: attrs === 'any' ? 'any' : 'read-write', urls };
}

/** True when the URL needs the host-following client (several hosts, or a read-write target). */
export function needsFollowing(url: string): boolean {
  const parsed = parsePostgresUrl(url);
  return parsed.hosts.length > 1 || parsed.targetSessionAttrs === 'read-write';
}

/** A connection that reached a standby where the URL asked for the primary. */
export class NotPrimaryError extends Error {
  override name = 'NotPrimaryError';
  readonly code = '25006';
}

export interface HostFollower {
  readonly parsed: ParsedPostgresUrl;
  /** The host new connections go to (the one last found to be the primary). */
  current(): string;
  /** A connection to `url` failed or found a standby: the next connection tries the next host. */
  failed(url: string): void;
  /**
   * pg.Client subclass for pg.Pool's `Client` option or `new`: connects to current(), and with
   * a read-write target fails with NotPrimaryError (moving on) when that node is a standby.
   */
  readonly Client: typeof pg.Client;
}

// One follower per URL for the process: the pools, the LISTEN connection and the health
// checks of one server all learn from each other's failures which host is the primary.
const followers = new Map<string, HostFollower>();

export function hostFollower(url: string): HostFollower {
  let follower = followers.get(url);
  if (!follower) {
    follower = makeFollower(parsePostgresUrl(url));
    followers.set(url, follower);
  }
  return follower;
}

function makeFollower(parsed: ParsedPostgresUrl): HostFollower {
  let index = 0;
  const failed = (url: string) => {
    if (parsed.urls[index] === url) index = (index + 1) % parsed.urls.length;
  };
  // What libpq does for read-write: ask the node after connecting, and move on if it is a standby.
  const checkRole = async (client: pg.Client, url: string) => {
    if (parsed.targetSessionAttrs !== 'read-write') return;
    const { rows } = await client.query<{ standby: boolean }>(FIXED_SQL.check_role_select);
    if (rows[0]!.standby) {
      failed(url);
      throw new NotPrimaryError(`${describeHost(url)} is a standby, not the primary (failover in progress?); retry shortly`);
    }
  };
  class FollowingClient extends pg.Client {
    readonly targetUrl: string;
    constructor(config?: pg.ClientConfig) {
      const targetUrl = parsed.urls[index]!;
      const { connectionString: _ignored, host: _h, port: _p, ...rest } = config ?? {};
      super({ ...rest, connectionString: targetUrl });
      this.targetUrl = targetUrl;
    }
    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error | null, client?: pg.Client) => void): void;
    override connect(callback?: (err: Error | null, client?: pg.Client) => void): Promise<pg.Client> | void {
      const self = this as unknown as pg.Client;
      const done = super.connect().then(
        () => checkRole(self, this.targetUrl).then(() => self, async (err: unknown) => {
          await self.end().catch(() => {});
          throw err;
        }),
        (err: unknown) => {
          failed(this.targetUrl);
          throw err;
        },
      );
      if (!callback) return done;
      done.then((c) => callback(null, c), (err: Error) => callback(err));
    }
  }
  return { parsed, current: () => parsed.urls[index]!, failed, Client: FollowingClient as unknown as typeof pg.Client };
}

export function describeHost(url: string): string {
  const m = URL_SHAPE.exec(url);
  return m ? `${m[3]}${m[4] ?? ''}` : redact(url);
}

function redact(url: string): string {
  return url.replace(/:\/\/([^:@/]*):[^@/]*@/, '://$1:***@');
}

/** A client for `url` (a plain pg.Client unless the URL lists several hosts or asks for read-write). */
export function newClient(url: string, config: Omit<pg.ClientConfig, 'connectionString'> = {}): pg.Client {
  if (!needsFollowing(url)) return new pg.Client({ ...config, connectionString: url });
  return new (hostFollower(url).Client)(config);
}
