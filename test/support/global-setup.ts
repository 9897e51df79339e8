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

/**
 * With DATABASE_URL set the suite runs against that real PostGIS; otherwise one embedded
 * engine is started here for the whole run and every test file reaches it through its socket.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const pool = createPool(url, 'public', 1);
    try {
      await ensurePostgis(pool);
    } finally {
      await pool.end();
    }
    project.provide('databaseUrl', url);
    project.provide('engine', 'postgres');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'yzt-test-'));
  const engine = await startEmbeddedEngine({ dataDir: dir });
  project.provide('databaseUrl', engine.url);
  project.provide('engine', 'embedded');
  return async () => {
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
