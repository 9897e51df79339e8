import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createPool, ensurePostgis } from '../../geodata/db/database.ts';
import { startEmbeddedEngine } from '../../geodata/db/embedded-engine.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    engine: 'embedded' | 'postgres';
  }
}

interface SuiteDatabase {
  url: string;
  engine: 'embedded' | 'postgres';
  stop(): Promise<void>;
}

// The db, browser and faults tiers each list this file; vitest runs it once per tier, in the
// main process. The tiers share one database: the first call starts it, the last teardown stops it.
const shared = globalThis as typeof globalThis & { yztSuiteDatabase?: { started: Promise<SuiteDatabase>; users: number } };

async function startSuiteDatabase(): Promise<SuiteDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const pool = createPool(url, 'public', 1);
    try {
      await ensurePostgis(pool);
    } finally {
      await pool.end();
    }
    return { url, engine: 'postgres', stop: async () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'yzt-test-'));
  const engine = await startEmbeddedEngine({ dataDir: dir });
  return {
    url: engine.url,
    engine: 'embedded',
    async stop() {
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * With DATABASE_URL set the suite runs against that real PostGIS; otherwise one embedded
 * engine is started here for the whole run and every test file reaches it through its socket.
 */
export default async function setup(project: TestProject) {
  shared.yztSuiteDatabase ??= { started: startSuiteDatabase(), users: 0 };
  const entry = shared.yztSuiteDatabase;
  entry.users++;
  const db = await entry.started;
  project.provide('databaseUrl', db.url);
  project.provide('engine', db.engine);
  return async () => {
    if (--entry.users > 0) return;
    shared.yztSuiteDatabase = undefined;
    await db.stop();
  };
}
