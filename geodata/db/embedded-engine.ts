import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { resolve } from 'node:path';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { SequencedQueryQueue } from './sequenced-query-queue.ts';

export interface EmbeddedEngine {
  /** A postgres:// URL on loopback that any pg client can use. */
  readonly url: string;
  readonly dataDir: string;
  /**
   * PGlite's own API, for what its socket's wire protocol cannot carry: COPY FROM STDIN
   * (bench:import's plain COPY reads a blob through it). Queued with the socket's queries by
   * PGlite's own lock; never use it inside another connection's transaction.
   */
  readonly pglite: PGlite;
  stop(): Promise<void>;
}

export interface EmbeddedEngineOptions {
  dataDir: string;
  /** Loopback port for the socket; 0 picks a free one. */
  port?: number;
}

/**
 * Starts PGlite with PostGIS on a data folder and serves it over the PostgreSQL wire protocol
 * on loopback, so the rest of the product reaches it through an ordinary pg.Pool, exactly as
 * it reaches a real server. PGlite runs one transaction at a time; the socket server queues
 * the other connections until it commits.
 */
export async function startEmbeddedEngine(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  const dataDir = resolve(options.dataDir);
  const lock: DataDirLock = lockDataDir(dataDir);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    db = await PGlite.create({ dataDir: `${dataDir}/pgdata`, extensions: { postgis } });
    await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 200 });
    // Each connection's handler takes the server's queue when it attaches (see the class).
    (server as unknown as { queryQueue: SequencedQueryQueue }).queryQueue = new SequencedQueryQueue(db);
    await server.start();
  } catch (err) {
    await server?.stop().catch(() => {});
    await db?.close().catch(() => {});
    lock.release();
    throw err;
  }
  const conn = server.getServerConn();
  const port = conn.slice(conn.lastIndexOf(':') + 1);
  const liveDb = db;
  const liveServer = server;
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    pglite: liveDb,
    stop() {
      stopped ??= (async () => {
        try {
          await liveServer.stop();
          await liveDb.close();
        } finally {
          lock.release();
        }
      })();
      return stopped;
    },
  };
}
