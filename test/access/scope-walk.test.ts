import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedPool } from '../../geodata/access/index.ts';
import { buildRiverNetwork, linkNetwork } from '../../geodata/network/index.ts';
import { runReview } from '../../geodata/review/index.ts';
import { tileAt } from '../../tiles/tile-address.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { productRoutes } from '../support/route-list.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { AREA, loadFixture, type FixtureSource } from '../tiles/fixture.ts';
import { features, fetchTile } from '../tiles/tile-client.ts';

/**
 * Issue 13: every route of the app, called as a Nanshan (440305) user and compared with the
 * national answer filtered to Nanshan, or, for shared layers, with the national answer itself.
 * The list of routes comes from the express router: a route added without a walk case here
 * fails the first test. Luohu (440303) is the neighbour whose data must not show.
 */
const NANSHAN = '440305';
const LUOHU = '440303';

type Walk = () => Promise<void>;

describe('scope walk: every route as a district user', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let sources: FixtureSource[];
  let nanshan: TestUser;
  let nanshanAdmin: TestUser;
  let national: TestUser;
  let nationalAdmin: TestUser;
  let jobOfNanshan: string | null = null;
  const live = () => sources.filter((s) => s.status === 'active' || s.status === 'closed');
  const inNanshan = (s: FixtureSource) => s.division_code.startsWith(NANSHAN);
  const luohuCensusIds = () => new Set(sources.filter((s) => !inNanshan(s)).map((s) => s.census_id));

  const call = async (method: string, path: string, user: TestUser, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...user.headers, ...(body === undefined || body instanceof FormData ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      // CSV, tiles
    }
    return { status: res.status, text, json };
  };
  const get = (path: string, user: TestUser) => call('GET', path, user);
  /** Nothing of Luohu in the answer: no division code, no census id of a Luohu source. */
  const expectNoLuohu = (what: string, text: string) => {
    expect({ what, luohuCode: text.includes(LUOHU) }).toEqual({ what, luohuCode: false });
    const foreign = [...text.matchAll(/S\d{6}/g)].map((m) => m[0]).filter((id) => luohuCensusIds().has(id));
    expect({ what, foreign }).toEqual({ what, foreign: [] });
  };
  const visibleCount = async (sql: string, params: unknown[] = []) =>
    Number((await scopedPool(db.pool, NANSHAN).query(sql, params)).rows[0].n);
  const csv = (name: string, text: string) => {
    const form = new FormData();
    form.append('file', new Blob([text]), name);
    return form;
  };
  const sameAsNational = (path: string): Walk => async () => {
    const [mine, all] = [await get(path, nanshan), await get(path, national)];
    expect({ path, status: mine.status }).toEqual({ path, status: 200 });
    expect(mine.json).toEqual(all.json);
  };

  beforeAll(async () => {
    db = await openTestDatabase('scope_walk');
    sources = await loadFixture(db.pool, 600);
    // A Luohu section beside the fixture's Nanshan one, a failing reading for each.
    await db.pool.query(`INSERT INTO section (code, name, level, target_class, river_name, geom) VALUES ('X2', '罗湖断面', 'provincial', 3, '深圳河', ST_Point(114.1, 22.56, 4326))`);
    await db.pool.query(`INSERT INTO section_reading (section_code, month, water_class, cod) VALUES ('X1', '2026-01-01', 5, 40), ('X2', '2026-01-01', 4, 30)`);
    await buildRiverNetwork(db.pool, { direction: 'stored' });
    await linkNetwork(db.pool);
    await runReview(db.pool, 'test');
    server = await startTestServer(db, { YZT_ANONYMOUS: 'off' });
    nanshan = await testUser(db.pool, 'reviewer', NANSHAN);
    nanshanAdmin = await testUser(db.pool, 'admin', NANSHAN);
    national = await testUser(db.pool, 'reviewer');
    nationalAdmin = await testUser(db.pool, 'admin');
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const luohuSource = () => live().find((s) => !inNanshan(s))!;
  const upstreamIds = async (user: TestUser) =>
    ((await get('/api/sections/X1/upstream?limit=1000', user)).json.sources as { id: string }[]).map((s) => s.id).sort();
  /** The link counts of network_source as the owner sees them, filtered to Nanshan. */
  const nanshanLinks = async () => {
    const { rows } = await db.pool.query(
      `SELECT via, count(*)::int AS n FROM network_source ns JOIN source s ON s.id = ns.source_id WHERE s.division_code LIKE '${NANSHAN}%' GROUP BY via ORDER BY via`);
    return Object.fromEntries(rows.map((r) => [r.via, r.n]));
  };
  const nanshanIds = () => new Set(sources.filter(inNanshan).map((s) => String(s.id)));


  /** Every feature of an OGC collection as `user` sees it, following `next` links page by page. */
  const ogcFeatures = async (collection: string, user: TestUser, query = 'limit=97') => {
    const out: { id: string | number; properties: Record<string, unknown> }[] = [];
    let url: string | undefined = `${server.url}/ogc/collections/${collection}/items?${query}`;
    for (let pages = 0; url && pages < 200; pages++) {
      const res = await fetch(url, { headers: user.headers });
      expect({ collection, status: res.status }).toEqual({ collection, status: 200 });
      const page = await res.json() as { features: typeof out; links: { rel: string; href: string }[] };
      out.push(...page.features);
      url = page.links.find((l) => l.rel === 'next')?.href;
    }
    return out;
  };
  /** Whether a national OGC feature belongs to Nanshan, by the scope rule of its table. */
  const OGC_SCOPED: Record<string, (f: { id: string | number; properties: Record<string, unknown> }) => boolean> = {
    sources: (f) => String(f.properties.division_code).startsWith(NANSHAN),
    census_zones: (f) => String(f.id).startsWith(NANSHAN),
    divisions: (f) => String(f.id).startsWith(NANSHAN),
    open_findings: (f) => (f.properties.source_id != null ? nanshanIds().has(String(f.properties.source_id)) : String(f.properties.subject_key ?? '').startsWith(NANSHAN)),
  };
  const foreignFinding = async () => Number(
    (await db.pool.query(`SELECT f.id FROM review_finding f JOIN source s ON s.id = f.source_id WHERE s.division_code LIKE '${LUOHU}%' AND f.status = 'open' ORDER BY f.id LIMIT 1`)).rows[0].id as string);
  const ownFinding = async () => Number(
    (await db.pool.query(`SELECT f.id FROM review_finding f JOIN source s ON s.id = f.source_id WHERE s.division_code LIKE '${NANSHAN}%' AND f.status = 'open' ORDER BY f.id DESC LIMIT 1`)).rows[0].id as string);
  /** A national list (名录) with units of both districts: found by name, or placed by address. */
  let nationalListId: Promise<number> | undefined;
  const nationalList = () => (nationalListId ??= (async () => {
    const picks = [...live().filter(inNanshan).slice(0, 8), ...live().filter((s) => !inNanshan(s)).slice(0, 8)];
    const lines = picks.map((s) => `${s.name},,,,${s.lon},${s.lat}`);
    lines.push('深圳市甲乙新材料有限公司,,,深圳市南山区粤海街道某路,,', '深圳市丙丁新材料有限公司,,,深圳市罗湖区东门街道某路,,');
    const form = csv('national-list.csv', `企业名称,统一社会信用代码,组织机构代码,注册地址,经度,纬度\n${lines.join('\n')}\n`);
    form.append('name', '全国名录');
    const res = await call('POST', '/api/lists', national, form);
    expect({ status: res.status, body: res.status === 201 ? null : res.json }).toEqual({ status: 201, body: null });
    return res.json.id as number;
  })());
  type Unit = { line: number; divisionCode: string | null; censusId: string | null };
  const units = async (listId: number, user: TestUser) => ((await get(`/api/lists/${listId}/matches?limit=100000`, user)).json.items as Unit[]);
  /** A national sample plan (10% of every stratum) drawn once. */
  let nationalPlanId: Promise<number> | undefined;
  const nationalPlan = () => (nationalPlanId ??= (async () => {
    const res = await call('POST', '/api/samples', national, { method: 'share', name: '全国抽样', seed: 'walk', share: 0.2 });
    expect(res.status).toBe(201);
    return res.json.id as number;
  })());
  type SampleItem = { censusId: string; divisionCode: string };
  const sampleOf = async (planId: number, user: TestUser) => (await get(`/api/samples/${planId}`, user)).json.items as SampleItem[];
  const TODAY = '2026-12-04';

  const WALK: Record<string, Walk> = {
    'GET /tiles/catalog.json': async () => {
      const mine = await get('/tiles/catalog.json', nanshan);
      const sourcesLayer = (mine.json.layers as { id: string; bounds?: number[] }[]).find((l) => l.id === 'sources')!;
      const { rows: [e] } = await db.pool.query(`SELECT ST_XMin(x) AS w, ST_XMax(x) AS e FROM (SELECT ST_Extent(geom) AS x FROM source WHERE division_code LIKE '${NANSHAN}%') q`);
      expect(sourcesLayer.bounds![0]).toBeCloseTo(e.w, 5);
      expect(sourcesLayer.bounds![2]).toBeCloseTo(e.e, 5);
      expect(mine.text).not.toEqual((await get('/tiles/catalog.json', national)).text);
    },
    'GET /tiles/:layer.json': async () => {
      // Finding 4: sources.json gave scoped users the national extent.
      const [mine, all] = [(await get('/tiles/sources.json', nanshan)).json, (await get('/tiles/sources.json', national)).json];
      const { rows: [e] } = await db.pool.query(`SELECT ST_XMax(ST_Extent(geom)) AS e FROM source WHERE division_code LIKE '${NANSHAN}%'`);
      expect(mine.bounds[2]).toBeCloseTo(e.e, 5);
      expect(all.bounds[2]).toBeGreaterThan(114.1);
      expect((await get('/tiles/rivers.json', nanshan)).json.bounds).toEqual((await get('/tiles/rivers.json', national)).json.bounds);
    },
    'GET /tiles/:layer/:z/:x/:y.mvt': async () => {
      // z13 tiles astride the district line (114.0°E) and inside each district.
      const all: string[] = [];
      for (const lon of [113.97, 113.999, 114.03]) {
        const t = tileAt(lon, 22.6, 13);
        const ids = async (user: TestUser) => features((await fetchTile(`${server.url}/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`, user.headers)).layers.sources).map((f) => String(f.id));
        const national_ = await ids(national);
        all.push(...national_);
        expect({ lon, ids: (await ids(nanshan)).sort() }).toEqual({ lon, ids: national_.filter((id) => nanshanIds().has(id)).sort() });
      }
      expect(all.some((id) => !nanshanIds().has(id)) && all.some((id) => nanshanIds().has(id))).toBe(true);
    },
    // Public by design (no session needed): engine, versions and table sizes for operators.
    'GET /api/health': async () => expect((await get('/api/health', nanshan)).status).toBe(200),
    // A server setting, not region data (the Tianditu key and the 审图号): one answer for every region.
    'GET /api/basemap': async () => expect((await get('/api/basemap', nanshan)).status).toBe(200),
    'POST /api/auth/login': async () => {
      const res = await call('POST', '/api/auth/login', nanshan, { username: nanshan.username, password: nanshan.password });
      expect(res.json.user).toMatchObject({ region: NANSHAN });
    },
    'POST /api/auth/logout': async () => {
      const other = await testUser(db.pool, 'viewer', NANSHAN);
      expect((await call('POST', '/api/auth/logout', other, {})).status).toBe(200);
      expect((await get('/api/auth/me', other)).status).toBe(401);
    },
    'GET /api/auth/me': async () => expect((await get('/api/auth/me', nanshan)).json).toMatchObject({ scope: NANSHAN }),
    'GET /api/users': async () => expect((await get('/api/users', nanshanAdmin)).status).toBe(403),
    'POST /api/users': async () => {
      expect((await call('POST', '/api/users', nanshanAdmin, { username: 'wider', password: 'pw-0123456789ab', role: 'admin', region: null })).status).toBe(403);
    },
    'PATCH /api/users/:id': async () => expect((await call('PATCH', '/api/users/1', nanshanAdmin, { region: null })).status).toBe(403),
    'POST /api/import/:kind': async () => {
      // Finding 3: shared layers written into another district.
      const refused = [
        ['outfall', '排污口编码,排污口名称,经度,纬度\nOL1,罗湖新口,114.1,22.6\n', `SELECT 1 FROM outfall WHERE code = 'OL1'`],
        ['air_station', '站点编码,站点名称,经度,纬度\nAL1,罗湖站,114.1,22.6\n', `SELECT 1 FROM air_station WHERE code = 'AL1'`],
        ['section_reading', '断面编码,月份,水质类别\nX2,2026-02,6\n', `SELECT 1 FROM section_reading WHERE section_code = 'X2' AND month = '2026-02-01'`],
      ] as const;
      for (const [kind, text, stored] of refused) {
        const res = await call('POST', `/api/import/${kind}`, nanshanAdmin, csv(`${kind}.csv`, text));
        expect({ kind, status: res.status, reason: res.json?.errors?.[0]?.reason }).toEqual({ kind, status: 422, reason: expect.stringMatching(/outside your region/) });
        expect({ kind, stored: (await db.pool.query(stored)).rowCount }).toEqual({ kind, stored: 0 });
      }
      // In its own district the same admin may write them, and the network field it gets back is its own.
      const own = await call('POST', '/api/import/outfall', nanshanAdmin, csv('own.csv', '排污口编码,排污口名称,经度,纬度\nON1,南山新口,113.85,22.57\n'));
      expect(own.status).toBe(200);
      expectNoLuohu('import network field', JSON.stringify(own.json.network));
      const reading = await call('POST', '/api/import/section_reading', nanshanAdmin, csv('r.csv', '断面编码,月份,水质类别\nX1,2026-02,3\n'));
      expect(reading.status).toBe(200);
      // A national admin writes anywhere.
      expect((await call('POST', '/api/import/outfall', nationalAdmin, csv('n.csv', '排污口编码,排污口名称,经度,纬度\nOL2,罗湖口,114.1,22.6\n'))).status).toBe(200);
    },
    'POST /api/import/inspect': async () => {
      // It reads the uploaded file only: nothing stored comes back, whoever asks.
      const res = await call('POST', '/api/import/inspect', nanshanAdmin, csv('head.csv', '排污口编码,排污口名称,经度,纬度\nOL9,罗湖口,114.1,22.6\n'));
      expect(res.status).toBe(200);
      expect(res.json.proposals[0].kind).toBe('outfall');
      expectNoLuohu('inspection', JSON.stringify({ ...res.json, sample: [] }));
    },
    'POST /api/import/jobs': async () => {
      const started = await call('POST', '/api/import/jobs', nanshanAdmin, (() => { const f = csv('job.csv', '排污口编码,排污口名称,经度,纬度\nOL3,罗湖作业口,114.1,22.6\n'); f.append('kind', 'outfall'); return f; })());
      expect(started.status).toBe(202);
      let job = (await get(`/api/import/jobs/${started.json.id}`, nanshanAdmin)).json;
      for (let i = 0; i < 200 && job.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = (await get(`/api/import/jobs/${started.json.id}`, nanshanAdmin)).json;
      }
      expect(job.report.errors[0].reason).toMatch(/outside your region/);
      expect((await db.pool.query(`SELECT 1 FROM outfall WHERE code = 'OL3'`)).rowCount).toBe(0);
      jobOfNanshan = started.json.id;
    },
    'GET /api/import/jobs/:id': async () => {
      // Another district's admin cannot read it; the national admin can.
      const other = await testUser(db.pool, 'admin', LUOHU, '罗湖管理员');
      if (!jobOfNanshan) await WALK['POST /api/import/jobs']!();
      expect((await get(`/api/import/jobs/${jobOfNanshan}`, other)).status).toBe(404);
      expect((await get(`/api/import/jobs/${jobOfNanshan}`, nationalAdmin)).status).toBe(200);
    },
    'POST /api/import/census_form': async () => {
      // Finding 4: a census id taken in Luohu came back with the constraint name; finding 2: the network field.
      const taken = luohuSource().census_id;
      const form = csv('form.csv', `普查编号,单位名称,污染源类型,行政区划代码,经度,纬度,化学需氧量\n${taken},重号厂,工业源,440305001,113.85,22.57,5\nNF1,南山表厂,工业源,440305001,113.85,22.571,5\n`);
      form.append('keepValidRows', 'true');
      const res = await call('POST', '/api/import/census_form', nanshanAdmin, form);
      expect(res.status).toBe(200);
      expect(res.json.errors).toEqual([expect.objectContaining({ reason: 'already registered' })]);
      expect(res.text).not.toMatch(/_key|duplicate key|constraint/);
      expect(res.json.network).toBeTruthy();
      expectNoLuohu('census form network field', JSON.stringify(res.json.network));
    },
    'GET /api/explore/search': async () => {
      const [mine, all] = [await get('/api/explore/search?q=S00001&limit=50', nanshan), await get('/api/explore/search?q=S00001&limit=50', national)];
      const ids = (hits: { layer: string; id: string }[]) => hits.map((h) => `${h.layer}:${h.id}`);
      expect(ids(mine.json.hits)).toEqual(ids(all.json.hits).filter((h: string) => !h.startsWith('source') || nanshanIds().has(h.split(':')[1]!)));
    },
    'GET /api/explore/monitoring': sameAsNational('/api/explore/monitoring'),
    'GET /api/explore/options': async () => {
      const mine = await get('/api/explore/options', nanshan);
      expectNoLuohu('options', mine.text);
      expect((await get('/api/explore/options', national)).text).toContain(LUOHU);
    },
    'GET /api/explore/stats': async () => {
      expect((await get('/api/explore/stats', nanshan)).json).toEqual((await get(`/api/explore/stats?division=${NANSHAN}`, national)).json);
    },
    'POST /api/explore/query': async () => {
      const area = { kind: 'bbox', bbox: [AREA.west - 1, AREA.south - 1, AREA.east + 1, AREA.north + 1] };
      const mine = await call('POST', '/api/explore/query', nanshan, { area, limit: 5000 });
      expect(mine.json).toEqual((await call('POST', '/api/explore/query', national, { area, limit: 5000, filter: { division: NANSHAN } })).json);
    },
    'POST /api/explore/export': async () => {
      const area = { kind: 'bbox', bbox: [AREA.west - 1, AREA.south - 1, AREA.east + 1, AREA.north + 1] };
      const mine = await call('POST', '/api/explore/export', nanshan, { area, format: 'csv' });
      expect(mine.text).toEqual((await call('POST', '/api/explore/export', national, { area, format: 'csv', filter: { division: NANSHAN } })).text);
    },
    'GET /api/explore/feature/:layer/:id': async () => {
      expect((await get(`/api/explore/feature/source_id/${luohuSource().id}`, nanshan)).status).toBe(404);
      expect((await get(`/api/explore/feature/source_id/${luohuSource().id}`, national)).status).toBe(200);
      await sameAsNational('/api/explore/feature/outfall/O1')();
    },
    'GET /api/review/checks': sameAsNational('/api/review/checks'),
    'POST /api/review/run': async () => {
      const res = await call('POST', '/api/review/run', nanshan, {});
      expect([202, 409]).toContain(res.status);
      expect(res.json.findings ?? null).toBeNull();
    },
    'GET /api/review/runs/latest': async () => {
      // Finding 4: the national run's finding count.
      const all = (await get('/api/review/runs/latest', national)).json;
      const mine = (await get('/api/review/runs/latest', nanshan)).json;
      if (mine.status === 'done') {
        expect(mine.findings).toBe(await visibleCount('SELECT count(*) AS n FROM review_finding WHERE run_id = $1', [mine.runId]));
        expect(mine.findings).toBeLessThan(all.findings);
      }
    },
    'GET /api/review/runs/:id': async () => {
      const first = (await db.pool.query(`SELECT min(id) AS id FROM review_run WHERE scope = 'all'`)).rows[0].id;
      const mine = (await get(`/api/review/runs/${first}`, nanshan)).json;
      expect(mine.findings).toBe(await visibleCount('SELECT count(*) AS n FROM review_finding WHERE run_id = $1', [first]));
    },
    'GET /api/review/items': async () => {
      const mine = (await get('/api/review/items?limit=1000', nanshan)).json;
      const all = (await get(`/api/review/items?limit=1000&division=${NANSHAN}`, national)).json;
      expect(mine.items.map((i: { id: number }) => i.id)).toEqual(all.items.map((i: { id: number }) => i.id));
      expectNoLuohu('review items', JSON.stringify(mine));
    },
    'GET /api/review/items/:id': async () => {
      const foreign = (await db.pool.query(`SELECT f.id FROM review_finding f JOIN source s ON s.id = f.source_id WHERE s.division_code LIKE '${LUOHU}%' LIMIT 1`)).rows[0].id;
      expect((await get(`/api/review/items/${foreign}`, nanshan)).status).toBe(404);
      expect((await get(`/api/review/items/${foreign}`, national)).status).toBe(200);
    },
    'POST /api/review/items/:id/actions': async () => {
      const foreign = (await db.pool.query(`SELECT f.id FROM review_finding f JOIN source s ON s.id = f.source_id WHERE s.division_code LIKE '${LUOHU}%' LIMIT 1`)).rows[0].id;
      expect((await call('POST', `/api/review/items/${foreign}/actions`, nanshan, { action: 'accept', reason: '越权', rowVersion: 1 })).status).toBe(404);
    },
    'POST /api/review/assignments': async () => {
      // A Nanshan reviewer assigning Luohu's findings assigns none of them.
      const res = await call('POST', '/api/review/assignments', nanshan, { division: LUOHU, assignee: nanshan.username, reason: '越权' });
      expect([200, 403, 404]).toContain(res.status);
      if (res.status === 200) expect(res.json).toEqual({ assigned: 0 });
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM review_finding f JOIN source s ON s.id = f.source_id WHERE s.division_code LIKE '${LUOHU}%' AND f.assignee = $1`, [nanshan.username]);
      expect(rows[0].n).toBe(0);
    },
    'GET /api/review/items/:id/comments': async () => {
      const foreign = (await db.pool.query(`SELECT f.id FROM review_finding f JOIN source s ON s.id = f.source_id WHERE s.division_code LIKE '${LUOHU}%' LIMIT 1`)).rows[0].id;
      await call('POST', `/api/review/items/${foreign}/comments`, national, { body: '罗湖的批注' });
      const mine = await get(`/api/review/items/${foreign}/comments`, nanshan);
      expect([200, 404]).toContain(mine.status);
      expectNoLuohu('comments', JSON.stringify(mine.json));
      expect(JSON.stringify(mine.json)).not.toContain('罗湖的批注');
    },
    'POST /api/review/items/:id/comments': async () => {
      const foreign = (await db.pool.query(`SELECT f.id FROM review_finding f JOIN source s ON s.id = f.source_id WHERE s.division_code LIKE '${LUOHU}%' LIMIT 1`)).rows[0].id;
      expect((await call('POST', `/api/review/items/${foreign}/comments`, nanshan, { body: '越权批注' })).status).toBe(404);
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM review_comment WHERE body = '越权批注'`);
      expect(rows[0].n).toBe(0);
    },
    'GET /api/review/sources/:id/history': async () => {
      expect((await get(`/api/review/sources/${luohuSource().id}/history`, nanshan)).json).toEqual({ history: [] });
    },
    'GET /api/review/quality': async () => {
      const mine = await get('/api/review/quality', nanshan);
      expectNoLuohu('quality', mine.text);
      expect((await get('/api/review/quality', national)).text).toContain(LUOHU);
    },
    'POST /api/network/rebuild': async () => {
      // Finding 2: the rebuild answered with the national link report.
      const res = await call('POST', '/api/network/rebuild', nanshanAdmin, { direction: 'stored' });
      expect(res.status).toBe(200);
      expect(res.json.link.sources).toEqual(await nanshanLinks());
      expect((await call('POST', '/api/network/rebuild', nationalAdmin, { direction: 'stored' })).json.link.sources).not.toEqual(await nanshanLinks());
    },
    'GET /api/network/report': async () => {
      const mine = (await get('/api/network/report', nanshan)).json;
      expect(mine.link.sources).toEqual(await nanshanLinks());
      expect(mine.link.unlinked.filter((u: { kind: string; id: string }) => u.kind === 'source' && !nanshanIds().has(u.id))).toEqual([]);
      expect(mine.build).toEqual((await get('/api/network/report', national)).json.build);
    },
    // Reaches are shared by every region: a district sees the national network check.
    'GET /api/network/issues': sameAsNational('/api/network/issues'),
    'GET /api/sections/problems': async () => {
      type Problems = { problems: { code: string; contributors: { id: string; kind: string }[] }[] };
      const mine = ((await get('/api/sections/problems?top=50', nanshan)).json as Problems).problems;
      const all = ((await get('/api/sections/problems?top=50', national)).json as Problems).problems;
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.map((p) => p.code)).toEqual(all.map((p) => p.code));
      for (const p of mine) expect(p.contributors.filter((c) => c.kind === 'source' && !nanshanIds().has(c.id))).toEqual([]);
    },
    'GET /api/sections/response-indicator': async () => {
      const mine = (await get('/api/sections/response-indicator', nanshan)).json;
      const loads = (await get('/api/sections/loads', nanshan)).json.sections as { code: string; decayed: { cod: number } }[];
      for (const s of mine.sections as { code: string; load: number }[]) {
        expect(s.load).toBeCloseTo(loads.find((l) => l.code === s.code)!.decayed.cod, 6);
      }
    },
    'GET /api/sections/loads': async () => {
      // Finding 1: loads counted every district's sources.
      const mine = (await get('/api/sections/loads', nanshan)).json.sections as { code: string; sources: number; plain: { cod: number } }[];
      const all = (await get('/api/sections/loads', national)).json.sections as typeof mine;
      const x1 = (await get('/api/sections/X1/upstream?limit=1000', nanshan)).json.totals;
      expect(mine.find((s) => s.code === 'X1')).toMatchObject({ sources: x1.sources });
      expect(mine.find((s) => s.code === 'X1')!.plain.cod).toBeCloseTo(x1.plain.cod, 6);
      expect(all.find((s) => s.code === 'X1')!.sources).toBeGreaterThan(x1.sources);
    },
    'GET /api/sections/:code/upstream': async () => {
      const all = await upstreamIds(national);
      expect(all.some((id) => !nanshanIds().has(id))).toBe(true);
      expect(await upstreamIds(nanshan)).toEqual(all.filter((id) => nanshanIds().has(id)));
    },
    'GET /api/sections/:code/response': async () => {
      const mine = (await get('/api/sections/X1/response', nanshan)).json;
      const x1 = (await get('/api/sections/X1/upstream?limit=0', nanshan)).json.totals;
      expect(mine.load.whole.cod).toBeCloseTo(x1.decayed.cod, 6);
    },
    'GET /api/sources/:id/downstream': async () => {
      expect((await get(`/api/sources/${luohuSource().id}/downstream`, nanshan)).status).toBe(404);
    },
    'GET /api/outfalls/:code/downstream': sameAsNational('/api/outfalls/O1/downstream'),
    'GET /api/air/stations/:code/contributors': async () => {
      const path = '/api/air/stations/1345A/contributors?radius_km=200&pollutant=so2&limit=1000';
      const ids = (r: { json: { contributors: { id: string }[] } }) => r.json.contributors.map((s) => s.id);
      const all = ids(await get(path, national));
      expect(all.some((id) => !nanshanIds().has(id))).toBe(true);
      expect(ids(await get(path, nanshan))).toEqual(all.filter((id) => nanshanIds().has(id)));
    },
    'GET /api/battle/basins': sameAsNational('/api/battle/basins'),
    'GET /api/battle/basins/:code': async () => {
      const mine = await get('/api/battle/basins/B1', nanshan);
      expect(mine.status).toBe(200);
      expectNoLuohu('battle view', mine.text);
    },

    // OGC API – Features: documents are the same for everyone; extents and items follow the scope.
    'GET /ogc/': sameAsNational('/ogc/'),
    'GET /ogc/api': sameAsNational('/ogc/api'),
    'GET /ogc/conformance': sameAsNational('/ogc/conformance'),
    'GET /ogc/collections/:id/schema': sameAsNational('/ogc/collections/sources/schema'),
    'GET /ogc/collections': async () => {
      type Doc = { collections: { id: string; extent: { spatial: { bbox: number[][] } } }[] };
      const bboxes = async (user: TestUser) => Object.fromEntries(((await get('/ogc/collections', user)).json as Doc).collections.map((c) => [c.id, c.extent.spatial.bbox[0]!]));
      const [mine, all] = [await bboxes(nanshan), await bboxes(national)];
      const { rows: [e] } = await db.pool.query(`SELECT ST_XMin(x) AS w, ST_XMax(x) AS e FROM (SELECT ST_Extent(geom) AS x FROM source WHERE division_code LIKE '${NANSHAN}%' AND status <> 'deleted') q`);
      expect(mine.sources![0]).toBeCloseTo(e.w, 5);
      expect(mine.sources![2]).toBeCloseTo(e.e, 5);
      expect(all.sources![2]).toBeGreaterThan(114.1);
      for (const shared of ['outfalls', 'river_reaches', 'basins', 'sections', 'air_stations']) expect({ shared, bbox: mine[shared] }).toEqual({ shared, bbox: all[shared] });
    },
    'GET /ogc/collections/:id': async () => {
      const mine = (await get('/ogc/collections/divisions', nanshan)).json.extent.spatial.bbox[0];
      expect(mine[2]).toBeCloseTo(114.0, 6);
      expect((await get('/ogc/collections/divisions', national)).json.extent.spatial.bbox[0][2]).toBeCloseTo(AREA.east, 6);
      await sameAsNational('/ogc/collections/basins')();
    },
    'GET /ogc/collections/:id/items': async () => {
      // Paged with next links at a page size that splits the sources; scoped collections filtered, shared ones whole.
      const collections = (await get('/ogc/collections', national)).json.collections.map((c: { id: string }) => c.id) as string[];
      expect(collections).toEqual(expect.arrayContaining(Object.keys(OGC_SCOPED)));
      for (const c of collections) {
        const [mine, all] = [await ogcFeatures(c, nanshan), await ogcFeatures(c, national)];
        const keep = OGC_SCOPED[c];
        if (keep) expect({ c, foreign: all.some((f) => !keep(f)) }).toEqual({ c, foreign: true });
        expect({ c, features: mine }).toEqual({ c, features: keep ? all.filter(keep) : all });
      }
      const mine = await ogcFeatures('sources', nanshan);
      expect(mine.length).toBeGreaterThan(97);
      expectNoLuohu('ogc sources', JSON.stringify(mine));
      // A bbox astride the district line.
      const bbox = 'bbox=113.95,22.5,114.05,22.8&limit=50';
      const [inBox, allInBox] = [await ogcFeatures('sources', nanshan, bbox), await ogcFeatures('sources', national, bbox)];
      expect(allInBox.some((f) => !OGC_SCOPED.sources!(f))).toBe(true);
      expect(inBox).toEqual(allInBox.filter(OGC_SCOPED.sources!));
      expect(inBox.length).toBeGreaterThan(0);
    },
    'GET /ogc/collections/:id/items/:featureId': async () => {
      const foreign = luohuSource().id;
      expect((await get(`/ogc/collections/sources/items/${foreign}`, nanshan)).status).toBe(404);
      expect((await get(`/ogc/collections/sources/items/${foreign}`, national)).status).toBe(200);
      expect((await get(`/ogc/collections/divisions/items/${LUOHU}`, nanshan)).status).toBe(404);
      expect((await get(`/ogc/collections/open_findings/items/${await foreignFinding()}`, nanshan)).status).toBe(404);
      await sameAsNational(`/ogc/collections/sources/items/${live().find(inNanshan)!.id}`)();
      await sameAsNational('/ogc/collections/outfalls/items/O2')();
    },
    // Public by design: the style names layers and tile URLs, no data.
    'GET /tiles/style.json': async () => {
      await sameAsNational('/tiles/style.json')();
      expect((await fetch(`${server.url}/tiles/style.json`)).status).toBe(200);
    },
    'GET /api/review/items/:id/outlines': async () => {
      const foreign = await foreignFinding();
      expect((await get(`/api/review/items/${foreign}/outlines`, nanshan)).status).toBe(404);
      expect((await get(`/api/review/items/${foreign}/outlines`, national)).status).toBe(200);
      const own = await ownFinding();
      const bytes = async (user: TestUser) => Buffer.from(await (await fetch(`${server.url}/api/review/items/${own}/outlines`, { headers: user.headers })).arrayBuffer()).toString('base64');
      expect(await bytes(nanshan)).toEqual(await bytes(national));
    },
    'POST /api/review/batch-actions': async () => {
      const foreign = await foreignFinding();
      const before = (await db.pool.query('SELECT status FROM review_finding WHERE id = $1', [foreign])).rows[0].status;
      const logged = async () => (await db.pool.query('SELECT count(*)::int AS n FROM edit_log')).rows[0].n as number;
      const edits = await logged();
      const res = await call('POST', '/api/review/batch-actions', nanshan, { action: 'apply_suggestion', findingIds: [foreign] });
      expect(res.status).toBe(200);
      // Not even a failure entry: a finding the district cannot see is not looked at.
      expect({ done: res.json.done, editLogIds: res.json.editLogIds, failed: res.json.failed }).toEqual({ done: 0, editLogIds: [], failed: [] });
      expectNoLuohu('batch answer', res.text);
      expect((await db.pool.query('SELECT status FROM review_finding WHERE id = $1', [foreign])).rows[0].status).toBe(before);
      expect(await logged()).toBe(edits);
    },
    'POST /api/review/undo': async () => {
      // Its own action the district user may undo; a national action on a Luohu finding it may not.
      const own = await ownFinding();
      const mine = await call('POST', `/api/review/items/${own}/actions`, nanshan, { action: 'accept', reason: '核实无误' });
      expect(mine.status).toBe(200);
      expect((await call('POST', '/api/review/undo', nanshan, { editLogId: mine.json.editLogId })).status).toBe(200);
      const foreign = await foreignFinding();
      const theirs = await call('POST', `/api/review/items/${foreign}/actions`, national, { action: 'accept', reason: '核实无误' });
      expect(theirs.status).toBe(200);
      const refused = await call('POST', '/api/review/undo', nanshan, { editLogId: theirs.json.editLogId });
      expect([403, 404]).toContain(refused.status);
      expectNoLuohu('undo refusal', refused.text);
      expect((await db.pool.query('SELECT status FROM review_finding WHERE id = $1', [foreign])).rows[0].status).toBe('accepted');
    },
    'GET /api/network/trace': async () => {
      const ids = async (user: TestUser) => ((await get('/api/network/trace?from=X1&direction=upstream&limit=1000', user)).json.trace.sources as { id: string }[]).map((s) => String(s.id)).sort();
      const all = await ids(national);
      expect(all.some((id) => !nanshanIds().has(id))).toBe(true);
      expect(await ids(nanshan)).toEqual(all.filter((id) => nanshanIds().has(id)));
      const taken = luohuSource().census_id;
      expect((await get(`/api/network/trace?from=${taken}&direction=downstream`, national)).status).toBe(200);
      const mine = await get(`/api/network/trace?from=${taken}&direction=downstream`, nanshan);
      expect(mine.status).toBe(404);
      expectNoLuohu('trace refusal', mine.text.replace(taken, ''));
      await sameAsNational('/api/network/trace?from=O1&direction=downstream')();
    },
    // The census quality loop: lists, samples and dispatch, all in the caller's scope.
    'POST /api/lists': async () => {
      const picks = live().filter(inNanshan).slice(10, 14);
      const form = csv('district-list.csv', `企业名称,统一社会信用代码,组织机构代码,注册地址,经度,纬度\n${picks.map((s) => `${s.name},,,,${s.lon},${s.lat}`).join('\n')}\n`);
      form.append('name', '南山名录');
      const res = await call('POST', '/api/lists', nanshan, form);
      expect(res.status).toBe(201);
      const [mine, all] = [await units(res.json.id, nanshan), await units(res.json.id, national)];
      expect(mine).toEqual(all);
      expect(mine.length).toBe(picks.length);
      // The national list as the district sees it.
      await nationalList();
    },
    'GET /api/lists': async () => {
      const id = await nationalList();
      const mine = await get('/api/lists', nanshan);
      expect(mine.status).toBe(200);
      expect((mine.json.lists as { id: number }[]).map((l) => l.id)).toContain(id);
      expectNoLuohu('lists', mine.text);
    },
    'GET /api/lists/:id/matches': async () => {
      const id = await nationalList();
      const all = await units(id, national);
      expect(all.some((u) => u.divisionCode?.startsWith(LUOHU))).toBe(true);
      const mine = await units(id, nanshan);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine).toEqual(all.filter((u) => u.divisionCode?.startsWith(NANSHAN)));
      expectNoLuohu('list matches', JSON.stringify(mine));
    },
    'POST /api/lists/:id/units/:line/decision': async () => {
      const id = await nationalList();
      const foreign = (await units(id, national)).find((u) => u.divisionCode?.startsWith(LUOHU))!;
      expect((await call('POST', `/api/lists/${id}/units/${foreign.line}/decision`, nanshan, { decision: 'exclude', note: '越权' })).status).toBe(404);
      expect((await units(id, national)).find((u) => u.line === foreign.line)).toEqual(foreign);
      const own = (await units(id, national)).find((u) => u.divisionCode?.startsWith(NANSHAN))!;
      expect((await call('POST', `/api/lists/${id}/units/${own.line}/decision`, nanshan, { decision: 'include', note: '核实' })).status).toBe(200);
    },
    'POST /api/samples': async () => {
      const res = await call('POST', '/api/samples', nanshan, { method: 'share', name: '南山抽样', seed: 'walk', share: 0.2 });
      expect(res.status).toBe(201);
      const items = await sampleOf(res.json.id, national);
      expect(items.length).toBeGreaterThan(0);
      const nanshanCensus = new Set(sources.filter(inNanshan).map((s) => s.census_id));
      expect(items.filter((i) => !nanshanCensus.has(i.censusId))).toEqual([]);
      expect(await sampleOf(res.json.id, nanshan)).toEqual(items);
    },
    'GET /api/samples': async () => {
      const id = await nationalPlan();
      const mine = await get('/api/samples', nanshan);
      expect((mine.json.plans as { id: number }[]).map((p) => p.id)).toContain(id);
      expectNoLuohu('sample plans', mine.text);
    },
    'GET /api/samples/:id': async () => {
      const id = await nationalPlan();
      const all = await sampleOf(id, national);
      expect(all.some((i) => i.divisionCode.startsWith(LUOHU))).toBe(true);
      const mine = await sampleOf(id, nanshan);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine).toEqual(all.filter((i) => i.divisionCode.startsWith(NANSHAN)));
    },
    'GET /api/samples/:id/rates': async () => {
      const id = await nationalPlan();
      const drawn = (await sampleOf(id, nanshan)).length;
      const mine = (await get(`/api/samples/${id}/rates`, nanshan)).json.rows as { city: string; drawn: number }[];
      expect(mine.map((r) => ({ city: r.city, drawn: r.drawn }))).toEqual([{ city: '440300', drawn }]);
      expect((await get(`/api/samples/${id}/rates`, national)).json.rows.find((r: { city: string }) => r.city === '440300').drawn).toBeGreaterThan(drawn);
    },
    'POST /api/samples/:id/checks': async () => {
      const id = await nationalPlan();
      const foreign = (await sampleOf(id, national)).find((i) => i.divisionCode.startsWith(LUOHU))!;
      const res = await call('POST', `/api/samples/${id}/checks`, nanshan, { censusId: foreign.censusId, indicators: { name: false } });
      expect(res.status).toBe(404);
      expect((await db.pool.query('SELECT count(*)::int AS n FROM sample_check WHERE plan_id = $1', [id])).rows[0].n).toBe(0);
      const own = (await sampleOf(id, nanshan))[0]!;
      expect((await call('POST', `/api/samples/${id}/checks`, nanshan, { censusId: own.censusId, indicators: { name: true } })).status).toBe(204);
    },
    'POST /api/samples/:id/omissions': async () => {
      const id = await nationalPlan();
      expect((await call('POST', `/api/samples/${id}/omissions`, nanshan, { divisionCode: `${LUOHU}001`, name: '越权漏查厂' })).status).toBe(403);
      expect((await db.pool.query(`SELECT count(*)::int AS n FROM sample_omission WHERE division_code LIKE '${LUOHU}%'`)).rows[0].n).toBe(0);
      expect((await call('POST', `/api/samples/${id}/omissions`, nanshan, { divisionCode: `${NANSHAN}001`, name: '南山漏查厂' })).status).toBe(201);
    },
    'GET /api/dispatch': async () => {
      await nationalList();
      type Row = { level: string; code: string };
      const mine = (await get(`/api/dispatch?today=${TODAY}`, nanshan)).json.rows as Row[];
      const all = (await get(`/api/dispatch?today=${TODAY}`, national)).json.rows as Row[];
      expect(all.some((r) => r.code === LUOHU)).toBe(true);
      expect(mine.filter((r) => r.code !== '440300' && !r.code.startsWith(NANSHAN))).toEqual([]);
      const counties = mine.filter((r) => r.code.startsWith(NANSHAN));
      expect(counties.length).toBeGreaterThan(0);
      expect(counties).toEqual(all.filter((r) => r.code.startsWith(NANSHAN)));
    },
    'POST /api/dispatch/assign': async () => {
      const id = await nationalList();
      const finding = await foreignFinding();
      const unit = (await units(id, national)).find((u) => u.divisionCode?.startsWith(LUOHU))!;
      const logged = async () => (await db.pool.query('SELECT count(*)::int AS n FROM edit_log')).rows[0].n as number;
      const edits = await logged();
      const res = await call('POST', '/api/dispatch/assign', nanshan, { findings: [finding], units: [`${id}:${unit.line}`], assignee: '越权', deadline: TODAY });
      expect(res.json).toEqual({ findings: 0, units: 0 });
      expect((await units(id, national)).find((u) => u.line === unit.line)).toEqual(unit);
      expect(await logged()).toBe(edits);
    },
  };

  it('has a walk case for every route of the app, and none for a route that is gone', () => {
    expect(Object.keys(WALK).sort()).toEqual(productRoutes());
  });

  it.each(Object.keys(WALK).sort())('%s: the district answer is the national one filtered to the district', async (route) => {
    await WALK[route]!();
  });
});
