import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { startTestServer } from '../support/test-server.ts';

describe('importing through the server refreshes the network index', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: TestUser;
  const post = (kind: string, name: string, body: string) => {
    const form = new FormData();
    form.append('file', new Blob([body]), name);
    return fetch(`${server.url}/api/import/${kind}`, { method: 'POST', body: form, headers: admin.headers });
  };
  beforeAll(async () => {
    db = await openTestDatabase('network_import');
    server = await startTestServer(db);
    admin = await testUser(db.pool, 'admin');
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('river lines without downstream ids are oriented from the network (the free end the digitising agrees with is the outlet) and indexed; a later section import is linked', async () => {
    const rivers = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 1, name: '上游' }, geometry: { type: 'LineString', coordinates: [[0, 0], [0.1, 0]] } },
        { type: 'Feature', properties: { id: 2, name: '下游' }, geometry: { type: 'LineString', coordinates: [[0.1, 0], [0.2, 0]] } },
      ],
    };
    const res = await post('river_reach', 'rivers.geojson', JSON.stringify(rivers));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.network.build).toMatchObject({ direction: 'auto', reaches: 2, outlets: [2], cycles: [] });
    const { rows } = await db.pool.query(`SELECT reach_id::int AS id, pre, last FROM network_reach ORDER BY pre`);
    expect(rows).toEqual([{ id: 2, pre: 0, last: 1 }, { id: 1, pre: 1, last: 1 }]);

    const sections = 'code,name,level,target_class,lon,lat\nX1,测试断面,national,3,0.05,0.0001\n';
    const sec = await (await post('section', 'sections.csv', sections)).json();
    expect(sec.network).toMatchObject({ build: null, link: { sections: { nearest: 1 } } });
    const placed = await db.pool.query(`SELECT reach_id::int AS reach FROM network_section WHERE section_code = 'X1'`);
    expect(placed.rows).toEqual([{ reach: 1 }]);
  });

  it('POST /api/network/rebuild with an empty body finds the direction from the network, not from what is stored', async () => {
    // Store a wrong direction by hand: the upper reach 1 as the outlet.
    await db.pool.query(`UPDATE river_reach SET downstream_id = CASE id WHEN 2 THEN 1 END`);
    const res = await fetch(`${server.url}/api/network/rebuild`, { method: 'POST', headers: { 'content-type': 'application/json', ...admin.headers }, body: '{}' });
    expect(res.status).toBe(200);
    const { build } = await res.json();
    expect(build).toMatchObject({ direction: 'auto', outlets: [2] });
    expect(build.auto.outlets).toEqual([expect.objectContaining({ reach: 2, how: 'free-end', name: '下游' })]);
    const { rows } = await db.pool.query(`SELECT id::int, downstream_id::int AS down FROM river_reach ORDER BY id`);
    expect(rows).toEqual([{ id: 1, down: 2 }, { id: 2, down: null }]);
    // The map's network check lists the guessed outlet with its river name and its line.
    const check = await (await fetch(`${server.url}/api/network/issues`, { headers: admin.headers })).json();
    expect(check).toMatchObject({ direction: 'auto', options: { direction: 'auto' }, counts: { outlet: 1 }, truncated: false });
    expect(check.issues).toEqual([{ kind: 'outlet', reach: 2, how: 'free-end', name: '下游', note: expect.stringContaining('confirm'), path: [[0.1, 0], [0.2, 0]] }]);
  });

  it('a river import after a rebuild repeats what the user asked for (declared outlet, link tolerance), not the direction the build stored', async () => {
    // The user declares reach 1 the outlet, against the digitising, and a tight section tolerance.
    const asked = await fetch(`${server.url}/api/network/rebuild`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...admin.headers },
      body: JSON.stringify({ direction: 'outlet', outlets: [1], link: { sectionToleranceM: 30 } }),
    });
    expect(asked.status).toBe(200);
    // One more reach beyond reach 2: with the declared outlet it drains through 2 into 1.
    const more = { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { id: 3, name: '新河段' }, geometry: { type: 'LineString', coordinates: [[0.2, 0], [0.3, 0]] } },
    ] };
    const res = await post('river_reach', 'more.geojson', JSON.stringify(more));
    expect(res.status).toBe(200);
    const { network } = await res.json();
    expect(network.build).toMatchObject({ direction: 'outlet', outlets: [1], options: { direction: 'outlet', outlets: [1] } });
    const { rows } = await db.pool.query(`SELECT id::int, downstream_id::int AS down FROM river_reach ORDER BY id`);
    expect(rows).toEqual([{ id: 1, down: null }, { id: 2, down: 1 }, { id: 3, down: 2 }]);
    const report = await (await fetch(`${server.url}/api/network/report`, { headers: admin.headers })).json();
    expect(report.link.options).toMatchObject({ sectionToleranceM: 30 });
  });
});
