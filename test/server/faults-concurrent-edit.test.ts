import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { loadSmallFixture } from '../review/small-fixture.ts';

interface Item { id: number; censusId: string | null; checkCode: string; rowVersion: number; sourceId: number }

// Two reviewers move the same source at the same moment, both from the row version they saw:
// one move wins, the other gets 409 with the winner's version, and the edit log holds exactly
// one entry. On a real PostgreSQL the two requests really overlap (row lock); on the embedded
// engine they queue, with the same outcome.
describe('two concurrent moves of one source', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let alice: TestUser;
  let bob: TestUser;
  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api/review${path}`, init);
  const move = (user: TestUser, id: number, rowVersion: number, lon: number, lat: number) =>
    api(`/items/${id}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...user.headers },
      body: JSON.stringify({ action: 'move', lon, lat, rowVersion, reason: `${user.username} 拖动` }),
    });

  beforeAll(async () => {
    db = await openTestDatabase('faults_concurrent_edit');
    await loadSmallFixture(db.pool);
    server = await startTestServer(db);
    alice = await testUser(db.pool, 'reviewer', null, 'reviewer_alice');
    bob = await testUser(db.pool, 'reviewer', null, 'reviewer_bob');
    const run = await api('/run', { method: 'POST', headers: alice.headers });
    expect(run.status).toBe(202);
    const { runId } = (await run.json()) as { runId: number };
    let status = 'running';
    for (let i = 0; i < 1200 && status === 'running'; i++) {
      await new Promise((res) => setTimeout(res, 100));
      status = ((await (await api(`/runs/${runId}`)).json()) as { status: string }).status;
    }
    expect(status).toBe('done');
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('lets exactly one of two simultaneous moves through; the other gets 409 with the current state', async () => {
    const list = (await (await api('/items?limit=500')).json()) as { items: Item[] };
    // One finding per source: each round races on a different source.
    const bySource = new Map<number, Item>();
    for (const item of list.items) if (!bySource.has(item.sourceId)) bySource.set(item.sourceId, item);
    const rounds = [...bySource.values()];
    expect(rounds.length).toBeGreaterThanOrEqual(4);

    for (const [i, item] of rounds.entries()) {
      const targets = { alice: [113.91 + i * 0.001, 22.52], bob: [113.96 + i * 0.001, 22.57] } as const;
      const logBefore = await editLogCount(item.sourceId);
      const [a, b] = await Promise.all([
        move(alice, item.id, item.rowVersion, ...targets.alice),
        move(bob, item.id, item.rowVersion, ...targets.bob),
      ]);
      const answers = [
        { who: 'alice', status: a.status, body: (await a.json()) as { details?: { rowVersion: number } } },
        { who: 'bob', status: b.status, body: (await b.json()) as { details?: { rowVersion: number } } },
      ];
      expect(answers.map((x) => x.status).sort(), JSON.stringify(answers)).toEqual([200, 409]);
      const winner = answers.find((x) => x.status === 200)!.who as 'alice' | 'bob';
      const loser = answers.find((x) => x.status === 409)!;

      const { rows } = await db.pool.query<{ x: number; y: number; row_version: number }>(
        'SELECT ST_X(geom) AS x, ST_Y(geom) AS y, row_version FROM source WHERE id = $1', [item.sourceId]);
      const stored = rows[0]!;
      // The stored point is the winner's, and the loser was told the version that holds it.
      expect([stored.x, stored.y]).toEqual([...targets[winner]]);
      expect(stored.row_version).toBe(item.rowVersion + 1);
      expect(loser.body.details).toEqual({ rowVersion: stored.row_version });

      expect(await editLogCount(item.sourceId)).toBe(logBefore + 1);
      const history = (await (await api(`/sources/${item.sourceId}/history`)).json()) as { history: { actor: string; action: string }[] };
      expect(history.history.filter((h) => h.action === 'review.move').map((h) => h.actor)).toEqual([
        winner === 'alice' ? alice.username : bob.username,
      ]);
    }
  });

  async function editLogCount(sourceId: number): Promise<number> {
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM edit_log WHERE entity = 'source' AND entity_id = $1", [String(sourceId)]);
    return rows[0]!.n;
  }
});
