import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The PostgreSQL cluster behind DATABASE_URL, for tests that stop and start the real server.
 * `.ci/run` names it in YZT_TEST_PG_CLUSTER ("<version> <name>", e.g. "15 yzt_ci") on its
 * PostgreSQL pass; elsewhere the variable is unset and such tests are skipped.
 */
export interface PgCluster {
  readonly version: string;
  readonly name: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Starts the cluster if it is down; safe to call in afterAll whatever happened before. */
  ensureRunning(): Promise<void>;
}

export const PG_CLUSTER_SKIP_REASON =
  'needs YZT_TEST_PG_CLUSTER="<version> <name>" naming the pg_ctlcluster cluster behind DATABASE_URL (set by .ci/run on its PostgreSQL pass)';

/** The cluster named by YZT_TEST_PG_CLUSTER, or null when the variable is unset or the suite runs embedded. */
export function pgClusterFromEnv(env: NodeJS.ProcessEnv = process.env): PgCluster | null {
  const spec = env.YZT_TEST_PG_CLUSTER?.trim();
  if (!spec || !env.DATABASE_URL) return null;
  const [version, name, ...rest] = spec.split(/\s+/);
  if (!version || !name || rest.length) throw new Error(`YZT_TEST_PG_CLUSTER must be "<version> <name>", not "${spec}"`);
  const ctl = async (...args: string[]) => {
    await run('pg_ctlcluster', [version, name, ...args], { timeout: 120_000 });
  };
  const isOnline = async (): Promise<boolean> => {
    // pg_ctlcluster status exits 3 when the cluster is down.
    try {
      await run('pg_ctlcluster', [version, name, 'status'], { timeout: 30_000 });
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === 3) return false;
      throw err;
    }
  };
  return {
    version,
    name,
    stop: () => ctl('stop', '-m', 'fast'),
    start: () => ctl('start'),
    async ensureRunning() {
      if (!(await isOnline())) await ctl('start');
    },
  };
}
