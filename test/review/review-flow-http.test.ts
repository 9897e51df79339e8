import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReview } from '../../geodata/review/index.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { loadSmallFixture } from './small-fixture.ts';

interface Item { id: number; censusId: string | null; checkCode: string; status: string; assignee: string | null }

/**
 * The review flow between people over HTTP: a district's open findings handed to a reviewer,
 * that reviewer's "my queue", comments on a finding with their edit-log trace, and the region
 * scope on all three (a Luohu reviewer neither assigns, reads nor comments Nanshan's findings).
 */
describe('review flow: assignment by district, my queue, comments', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let lead: TestUser;
  let reviewer: TestUser;
  let luohu: TestUser;
  const api = (path: string, user: TestUser | null, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${server.url}/api/review${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(user?.headers ?? {}), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const list = async (user: TestUser, query = ''): Promise<{ total: number; items: Item[] }> => (await api(`/items?limit=500${query}`, user)).json();

  beforeAll(async () => {
    db = await openTestDatabase('review_flow');
    await loadSmallFixture(db.pool);
    await runReview(db.pool, 'test');
    server = await startTestServer(db);
    lead = await testUser(db.pool, 'reviewer', null, '组长甲');
    reviewer = await testUser(db.pool, 'reviewer', '440305', '南山审核员');
    luohu = await testUser(db.pool, 'reviewer', '440303', '罗湖审核员');
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('assigns every open finding of a district to a reviewer, each with its edit-log entry, and my queue lists them', async () => {
    const open = (await list(lead, '&status=open')).items;
    expect(open.length).toBeGreaterThan(3);
    expect((await list(reviewer, '&assignee=me')).total).toBe(0);
    const res = await api('/assignments', lead, { method: 'POST', body: { division: '440305', assignee: reviewer.username, reason: '按区分派' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ assigned: open.length });
    const mine = await list(reviewer, '&assignee=me');
    expect(mine.items.map((i) => i.id).sort()).toEqual(open.map((i) => i.id).sort());
    expect(mine.items.every((i) => i.assignee === reviewer.username)).toBe(true);
    expect((await list(lead, '&assignee=me')).total).toBe(0);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM edit_log WHERE entity = 'finding' AND action = 'review.assign' AND actor = $1 AND reason = '按区分派' AND after->>'assignee' = $2`,
      [lead.username, reviewer.username]);
    expect(rows[0]!.n).toBe(open.length);
    // Again: nothing changes hands, nothing is logged twice.
    expect(await (await api('/assignments', lead, { method: 'POST', body: { division: '440305', assignee: reviewer.username } })).json()).toEqual({ assigned: 0 });
  });

  it('refuses an assignment without a district code or an assignee, naming the field', async () => {
    const bad = await api('/assignments', lead, { method: 'POST', body: { division: 'Nanshan', assignee: 'x' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/division/);
    const none = await api('/assignments', lead, { method: 'POST', body: { division: '440305' } });
    expect(none.status).toBe(400);
    expect((await none.json()).error).toMatch(/assignee/);
    expect((await api('/assignments', null, { method: 'POST', body: { division: '440305', assignee: 'x' } })).status).toBe(401);
  });

  it('keeps comments on a finding in order with their authors, and logs each one', async () => {
    const item = (await list(reviewer, '&assignee=me')).items[0]!;
    const first = await api(`/items/${item.id}/comments`, reviewer, { method: 'POST', body: { body: '门牌在路北，需现场确认' } });
    expect(first.status).toBe(201);
    const added = await first.json();
    expect(added).toMatchObject({ findingId: item.id, author: reviewer.username, body: '门牌在路北，需现场确认' });
    await api(`/items/${item.id}/comments`, lead, { method: 'POST', body: { body: '同意，安排下周核实' } });
    const { comments } = await (await api(`/items/${item.id}/comments`, reviewer)).json();
    expect(comments.map((c: { author: string; body: string }) => `${c.author}:${c.body}`)).toEqual([
      `${reviewer.username}:门牌在路北，需现场确认`, `${lead.username}:同意，安排下周核实`,
    ]);
    const { rows } = await db.pool.query(`SELECT actor, after->>'body' AS body FROM edit_log WHERE entity = 'finding' AND entity_id = $1 AND action = 'review.comment' ORDER BY id`, [String(item.id)]);
    expect(rows).toEqual([{ actor: reviewer.username, body: '门牌在路北，需现场确认' }, { actor: lead.username, body: '同意，安排下周核实' }]);
    expect(added.editLogId).toBeGreaterThan(0);
    const empty = await api(`/items/${item.id}/comments`, reviewer, { method: 'POST', body: { body: '   ' } });
    expect(empty.status).toBe(400);
    expect((await empty.json()).error).toMatch(/body/);
    expect((await api('/items/999999/comments', reviewer, { method: 'POST', body: { body: 'x' } })).status).toBe(404);
  });

  it('keeps a reviewer of another district out: no assigning, reading or commenting there', async () => {
    const item = (await list(reviewer, '&assignee=me')).items[0]!;
    expect(await (await api('/assignments', luohu, { method: 'POST', body: { division: '440305', assignee: luohu.username } })).json()).toEqual({ assigned: 0 });
    expect((await list(reviewer, '&assignee=me')).items.every((i) => i.assignee === reviewer.username)).toBe(true);
    expect((await (await api(`/items/${item.id}/comments`, luohu)).json()).comments).toEqual([]);
    const res = await api(`/items/${item.id}/comments`, luohu, { method: 'POST', body: { body: '越权评论' } });
    expect(res.status).toBe(404);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM review_comment WHERE body = '越权评论'`);
    expect(rows[0]!.n).toBe(0);
  });
});
