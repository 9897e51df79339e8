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

  it('river lines without downstream ids are directed as digitised and indexed; a later section import is linked', async () => {
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
    expect(body.network.build).toMatchObject({ direction: 'attribute', reaches: 2, outlets: [2], cycles: [] });
    const { rows } = await db.pool.query(`SELECT reach_id::int AS id, pre, last FROM network_reach ORDER BY pre`);
    expect(rows).toEqual([{ id: 2, pre: 0, last: 1 }, { id: 1, pre: 1, last: 1 }]);

    const sections = 'code,name,level,target_class,lon,lat\nX1,测试断面,national,3,0.05,0.0001\n';
    const sec = await (await post('section', 'sections.csv', sections)).json();
    expect(sec.network).toMatchObject({ build: null, link: { sections: { nearest: 1 } } });
    const placed = await db.pool.query(`SELECT reach_id::int AS reach FROM network_section WHERE section_code = 'X1'`);
    expect(placed.rows).toEqual([{ reach: 1 }]);
  });
});
