import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../geodata/db/database.ts';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';

// A database that is not there: the API answers 503 with a JSON reason and the process lives on.
describe('when the database is unreachable', () => {
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const port = await freePort();
    const pool = createPool(`postgres://postgres@127.0.0.1:${port}/postgres`, 'yzt', 2);
    const app = createApp({
      config: loadConfig({}),
      db: { pool, engine: 'postgres', schema: 'yzt', location: `127.0.0.1:${port}`, close: () => pool.end() },
      logger: createLogger('silent'),
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      server.close();
      await pool.end();
    };
  });
  afterAll(() => close());

  it('answers /api/health with 503 and a reason, and keeps answering', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${base}/api/health`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.error).toBe('database unavailable');
      expect(body.reason).toMatch(/ECONNREFUSED|connect/);
    }
  });

  it('answers an unknown API route with 404 JSON', async () => {
    const res = await fetch(`${base}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatch(/no API route GET \/api\/nothing-here/);
  });
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}
