import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRiverNetwork, linkNetwork } from '../../geodata/network/index.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { loadHandNetwork } from './hand-network.ts';

// Issue 13, finding 6: a decay rate at its documented maximum (10 per km) over a long river
// made PostgreSQL's exp() fail with "value out of range: underflow" (below about e^-745, so
// from 74.5 km at k = 10). A reach of 1° (111 km) above the hand network puts a source there.
const MAX = 'k_cod=10&k_nh3n=10&k_tn=10&k_tp=10';

describe('decay rates at their documented maximum', () => {
  let db: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    db = await openTestDatabase('decay_max');
    await loadHandNetwork(db.pool, { downstream: false });
    await db.pool.query(`INSERT INTO river_reach (id, name, geom) VALUES (6, '干流', ST_GeomFromText('LINESTRING(-1 0, 0 0)', 4326))`);
    await db.pool.query(`INSERT INTO source (census_id, name, source_type, geom, cod, nh3n, tn, tp) VALUES ('FAR', '远上游厂', 'industrial', ST_Point(-0.9, 0.001, 4326), 100, 10, 20, 1)`);
    await db.pool.query(`INSERT INTO section_reading (section_code, month, water_class, cod) VALUES ('A', '2026-01-01', 6, 50), ('B', '2026-01-01', 5, 40)`);
    await buildRiverNetwork(db.pool, { direction: 'outlet', outlets: [1], toleranceM: 10 });
    await linkNetwork(db.pool);
    server = await startTestServer(db);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it.each([
    '/api/sections/loads', '/api/sections/loads?scope=control', '/api/sections/response-indicator', '/api/sections/problems',
    '/api/sections/B/upstream', '/api/sections/B/upstream?scope=control', '/api/sections/B/response',
  ])('%s answers with every rate at 10 per km, and a source 128 km up delivers nothing', async (path) => {
    const res = await fetch(`${server.url}${path}${path.includes('?') ? '&' : '?'}${MAX}`);
    const body = await res.json();
    expect({ status: res.status, body }).toMatchObject({ status: 200 });
    if (path.startsWith('/api/sections/B/upstream')) {
      const far = (body.sources as { name: string; plain: { cod: number }; decayed: { cod: number } }[]).find((s) => s.name === '远上游厂');
      if (path.endsWith('control')) expect(far).toBeUndefined();
      else expect(far).toMatchObject({ plain: { cod: 100 }, decayed: { cod: 0 } });
    }
  });
});
