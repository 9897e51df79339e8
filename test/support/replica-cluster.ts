import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * A primary and hot standbys made from Debian's PostgreSQL 15 packages for one test file:
 * `pg_createcluster` for the primary, `pg_basebackup -R` (streaming, standby.signal written)
 * for each standby, on free loopback ports, owned by the postgres user (`.ci/run` runs as
 * root; PostgreSQL refuses to run as root, pg_ctlcluster switches user itself). Dropped by
 * `drop()`, whatever state the nodes are in.
 */
export interface ReplicaCluster {
  readonly primary: ClusterNode;
  readonly standbys: readonly ClusterNode[];
  readonly database: string;
  drop(): Promise<void>;
}

export interface ClusterNode {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** pg_ctl promote: the standby leaves recovery and takes writes. */
  promote(): Promise<void>;
}

const VERSION = '15';

/** Why the replica tests cannot run here, or null when they can. */
export function replicaClusterSkipReason(env: NodeJS.ProcessEnv = process.env): string | null {
  if (!env.DATABASE_URL) return 'streaming replicas need PostgreSQL: runs in the PostgreSQL pass (DATABASE_URL set); the embedded engine has no replication';
  for (const tool of ['/usr/bin/pg_createcluster', '/usr/bin/pg_ctlcluster', '/usr/bin/pg_dropcluster', `/usr/lib/postgresql/${VERSION}/bin/pg_basebackup`]) {
    if (!existsSync(tool)) return `needs Debian's postgresql-${VERSION} cluster tools (${tool} is absent)`;
  }
  if (!existsSync(`/usr/share/postgresql/${VERSION}/extension/postgis.control`)) return `needs postgresql-${VERSION}-postgis-3`;
  if (process.getuid?.() !== 0) return 'needs root to make clusters owned by the postgres user (as .ci/run runs)';
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const asPostgres = (cmd: string) => run('su', ['postgres', '-c', cmd], { timeout: 120_000 });
const ctl = (name: string, ...args: string[]) => run('pg_ctlcluster', [VERSION, name, ...args], { timeout: 120_000 });

function node(name: string, port: number, database: string): ClusterNode {
  return {
    name,
    port,
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await ctl(name, 'stop', '-m', 'fast').catch((err: { code?: number }) => {
        if (err.code !== 2) throw err; // 2: already down
      });
    },
    start: async () => {
      await ctl(name, 'start');
    },
    promote: async () => {
      await ctl(name, 'promote');
    },
  };
}

const SETTINGS = [
  // Small and quick: a test cluster, not a tuned server.
  'shared_buffers=32MB', 'max_connections=60', 'wal_level=replica', 'max_wal_senders=6',
  'hot_standby=on', 'fsync=off', 'full_page_writes=off', 'synchronous_commit=on',
];

/** Makes the primary (database with PostGIS) and `standbys` streaming standbys of it. */
export async function makeReplicaCluster(tag: string, standbys: number): Promise<ReplicaCluster> {
  const base = `yzt_${tag}_${process.pid}`;
  const database = 'yzt';
  const made: string[] = [];
  const drop = async () => {
    for (const name of made.reverse()) {
      await run('pg_dropcluster', [VERSION, name, '--stop'], { timeout: 120_000 }).catch(() => {});
    }
  };
  try {
    const primaryName = `${base}_p`;
    const primaryPort = await freePort();
    await run('pg_createcluster', [VERSION, primaryName, '-p', String(primaryPort), ...SETTINGS.flatMap((s) => ['-o', s]), '--', '--auth=trust'], { timeout: 120_000 });
    made.push(primaryName);
    await ctl(primaryName, 'start');
    const primary = node(primaryName, primaryPort, database);
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${primaryPort}/postgres` });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const db = new pg.Client({ connectionString: primary.url });
    await db.connect();
    await db.query('CREATE EXTENSION postgis');
    await db.end();

    const nodes: ClusterNode[] = [];
    for (let i = 1; i <= standbys; i++) {
      const name = `${base}_s${i}`;
      const port = await freePort();
      await run('pg_createcluster', [VERSION, name, '-p', String(port), ...SETTINGS.flatMap((s) => ['-o', s]), '--', '--auth=trust'], { timeout: 120_000 });
      made.push(name);
      const dataDir = `/var/lib/postgresql/${VERSION}/${name}`;
      // The standby's data folder is a base backup of the primary; -R writes standby.signal and
      // primary_conninfo, -X stream keeps the WAL made during the copy.
      await asPostgres(`rm -rf ${dataDir} && /usr/lib/postgresql/${VERSION}/bin/pg_basebackup -h 127.0.0.1 -p ${primaryPort} -U postgres -D ${dataDir} -R -X stream -c fast`);
      await ctl(name, 'start');
      nodes.push(node(name, port, database));
    }
    return { primary, standbys: nodes, database, drop };
  } catch (err) {
    await drop();
    throw err;
  }
}
