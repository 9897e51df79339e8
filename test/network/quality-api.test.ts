import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATER_POLLUTANTS } from '../../geodata/model/vocabulary.ts';
import { allSectionLoads, spearman, traceUpstream } from '../../geodata/network/index.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { testUser } from '../support/auth.ts';
import { startTestServer } from '../support/test-server.ts';
import { EQUATOR_DEG_M, loadHandNetwork, sourceIds } from './hand-network.ts';

describe('quality API on the hand-built network', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let ids: Map<string, string>;
  const get = async (path: string) => {
    const res = await fetch(`${server.url}/api${path}`);
    return { status: res.status, body: await res.json() };
  };
  beforeAll(async () => {
    db = await openTestDatabase('network_api');
    // Rivers imported without downstream_id: the rebuild orients them towards the declared outlet.
    await loadHandNetwork(db.pool, { downstream: false });
    // C sits on the southern tributary above the plant's outfall: nothing drains to it.
    await db.pool.query(`INSERT INTO section (code, name, level, target_class, geom) VALUES ('C', '南支断面', 'provincial', 2, ST_Point(0.2, -0.08, 4326))`);
    await db.pool.query(`
      INSERT INTO section_reading (section_code, month, water_class, cod) VALUES
        ('A', '2026-01-01', 2, 15), ('A', '2026-02-01', 4, 25), ('A', '2026-03-01', 3, 18),
        ('B', '2026-01-01', 3, 22), ('B', '2026-02-01', 3, 24), ('B', '2026-03-01', 2, 14),
        ('C', '2026-01-01', 1, 5), ('C', '2026-02-01', 1, 6), ('C', '2026-03-01', 2, 4)`);
    await db.pool.query(`
      INSERT INTO air_station (code, name, city, geom) VALUES ('AS1', '测站', '示范市', ST_Point(1, 0, 4326));
      INSERT INTO air_reading (station_code, month, pm25, no2) VALUES ('AS1', '2026-01-01', 35, 40), ('AS1', '2026-02-01', 30, 38);
      INSERT INTO source (census_id, name, source_type, geom, nox) VALUES
        ('E1', '东厂', 'industrial', ST_Point(1.1, 0, 4326), 100),
        ('W1', '西厂', 'industrial', ST_Point(0.95, 0, 4326), 50),
        ('N1', '北厂', 'industrial', ST_Point(1, 0.05, 4326), 10),
        ('F1', '远厂', 'industrial', ST_Point(1.5, 0, 4326), 1000)`);
    server = await startTestServer(db);
    ids = await sourceIds(db.pool);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('rebuilds the network from a declared outlet and reports what it linked', async () => {
    const res = await fetch(`${server.url}/api/network/rebuild`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(await testUser(db.pool, 'admin')).headers }, body: JSON.stringify({ direction: 'outlet', outlets: [1], toleranceM: 10 }),
    });
    expect(res.status).toBe(200);
    const { build, link } = await res.json();
    expect(build).toMatchObject({ reaches: 5, nodes: 6, outlets: [1], cycles: [], danglingPieces: [], noOutlet: [], gaps: [] });
    expect(link.sections).toEqual({ nearest: 2, reach_id: 1 });
    const { rows } = await db.pool.query(`SELECT id, downstream_id FROM river_reach ORDER BY id`);
    expect(rows.map((r) => [Number(r.id), r.downstream_id === null ? null : Number(r.downstream_id)])).toEqual([[1, null], [2, 1], [3, 2], [4, 2], [5, 1]]);
    expect((await get('/network/report')).body.build.outlets).toEqual([1]);
  });

  it('gives a section linked by nearness its reach in the feature detail, as the tiles do (it showed 河段编号 "—")', async () => {
    const { rows } = await db.pool.query(`SELECT s.reach_id AS stored, n.reach_id AS linked FROM section s JOIN network_section n ON n.section_code = s.code WHERE s.code = 'C'`);
    expect(rows[0].stored).toBeNull();
    expect(rows[0].linked).not.toBeNull();
    const detail = await get('/explore/feature/section/C');
    expect(detail.status).toBe(200);
    expect(detail.body.properties.reach_id).toBe(Number(rows[0].linked));
  });

  it('GET /api/sections/{code}/upstream gives both variants with the control unit bounded by the upper section', async () => {
    const whole = await get('/sections/B/upstream');
    const control = await get('/sections/B/upstream?scope=control&k_cod=0');
    expect(whole.status).toBe(200);
    expect(whole.body.sources).toHaveLength(6);
    // C lies above the plant's outfall, so the plant stays in B's unit.
    expect(control.body).toMatchObject({ scope: 'control', upstreamSections: ['A', 'C'] });
    expect(control.body.sources.map((s: { id: string }) => s.id)).toEqual([ids.get('P'), ids.get('S3')]);
    // With no COD decay the decayed load is the plain one.
    expect(control.body.totals.decayed.cod).toBeCloseTo(70, 12);
    expect(control.body.totals.plain.cod).toBe(70);
  });

  it('refuses a bad scope and names an unknown section', async () => {
    const bad = await get('/sections/B/upstream?scope=everything');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0]).toMatchObject({ field: 'query.scope' });
    const missing = await get('/sections/NOPE/upstream');
    expect(missing).toMatchObject({ status: 404, body: { error: 'no section NOPE' } });
  });

  it('GET /api/sources/{id}/downstream reaches the sections in series', async () => {
    const res = await get(`/sources/${ids.get('S1')}/downstream`);
    expect(res.body.reaches).toEqual([3, 2, 1]);
    expect(res.body.sections.map((s: { code: string }) => s.code)).toEqual(['A', 'B']);
    expect((await get('/sources/999999/downstream')).status).toBe(404);
  });

  it('takes the census id users search by, and names the reaches and the source in the answer', async () => {
    const res = await get('/sources/S1/downstream');
    expect(res.status).toBe(200);
    expect(res.body.from).toMatchObject({ kind: 'source', id: ids.get('S1'), censusId: 'S1', name: '源S1' });
    expect(res.body.reachDetails.map((r: { id: number; name: string }) => [r.id, r.name])).toEqual([[3, '干流'], [2, '干流'], [1, '干流']]);
    expect(res.body.validity).toMatchObject({ outletId: 1 });
  });

  it('GET /api/network/trace starts from a section code, an outfall code or a census id', async () => {
    const up = await get('/network/trace?from=A&direction=upstream');
    expect(up.status).toBe(200);
    expect(up.body.start).toEqual({ kind: 'section', code: 'A' });
    expect(up.body.trace.reachDetails.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['干流', '支流']));
    expect(up.body.trace.sources.map((c: { censusId: string }) => c.censusId)).toContain('S1');
    const fromOutfall = await get('/network/trace?from=O1&direction=downstream');
    expect(fromOutfall.body.trace.sections.map((x: { code: string }) => x.code)).toEqual(['A', 'B']);
    const fromSource = await get('/network/trace?from=S1&direction=downstream');
    expect(fromSource.body.start).toMatchObject({ kind: 'source', censusId: 'S1' });
    const fromSection = await get('/network/trace?from=A&direction=downstream');
    expect(fromSection.body.trace.sections.map((x: { code: string }) => x.code)).toEqual(['B']);
    // Upstream from a source: what the river brings to where its water enters, without itself.
    const aboveS3 = await get('/network/trace?from=S3&direction=upstream');
    expect(aboveS3.status).toBe(200);
    expect(aboveS3.body.trace.from).toMatchObject({ kind: 'source', censusId: 'S3', name: '源S3' });
    expect(aboveS3.body.trace.section).toBeUndefined();
    expect(aboveS3.body.trace.sources.map((c: { censusId: string }) => c.censusId).sort()).toEqual(['S1', 'S2', 'S4', 'S9']);
    // Upstream from an outfall: its own sources and what comes down the tributary above it.
    const aboveO1 = await get('/network/trace?from=O1&direction=upstream');
    expect(aboveO1.body.trace.from).toMatchObject({ kind: 'outfall', id: 'O1', name: '一号口' });
    expect(aboveO1.body.trace.sources.map((c: { censusId: string }) => c.censusId).sort()).toEqual(['S2', 'S9']);
    // S8 lies far from any river: the answer says so instead of an empty trace.
    const far = await get('/network/trace?from=S8&direction=upstream');
    expect(far.status).toBe(409);
    expect(far.body.error).toMatch(/source S8 is not on the river network: no reach within 5000 m/);
    expect((await get('/network/trace?from=NOPE')).status).toBe(404);
  });

  it('GET /api/network/trace?paths=true adds the line of every reach of the trace, in the trace\'s order', async () => {
    const up = await get('/network/trace?from=A&direction=upstream&paths=true');
    expect(up.status).toBe(200);
    expect(up.body.paths.map((p: { id: number }) => p.id)).toEqual(up.body.trace.reaches);
    const { rows } = await db.pool.query(`SELECT id, ST_X(ST_StartPoint(geom)) AS x, ST_Y(ST_StartPoint(geom)) AS y FROM river_reach WHERE id = $1`, [up.body.trace.reaches[0]]);
    expect(up.body.paths[0].path[0][0]).toBeCloseTo(rows[0].x, 5);
    expect(up.body.paths[0].path[0][1]).toBeCloseTo(rows[0].y, 5);
    const down = await get('/network/trace?from=O1&direction=downstream&paths=true');
    expect(down.body.paths.map((p: { id: number }) => p.id)).toEqual(down.body.trace.reaches);
    // Without the flag the answer stays as small as before.
    expect((await get('/network/trace?from=A')).body.paths).toBeUndefined();
  });

  it('computes all sections\' loads in one query, equal to the per-section traces', async () => {
    for (const scope of ['whole', 'control'] as const) {
      const all = await allSectionLoads(db.pool, { scope });
      expect(all.map((l) => l.code)).toEqual(['A', 'B', 'C']);
      for (const l of all) {
        const t = await traceUpstream(db.pool, l.code, { scope, limit: 0 });
        expect(l.sources).toBe(t.totals.sources);
        for (const p of WATER_POLLUTANTS) expect(l.decayed[p]).toBeCloseTo(t.totals.decayed[p], 9);
      }
    }
  });

  it('lists the sections failing their target in a month, worst first, with their top contributors', async () => {
    const feb = await get('/sections/problems?month=2026-02&top=2');
    expect(feb.body.month).toBe('2026-02');
    expect(feb.body.problems.map((p: { code: string; waterClass: number }) => [p.code, p.waterClass])).toEqual([['A', 4], ['B', 3]]);
    const b = await traceUpstream(db.pool, 'B', { limit: 2 });
    expect(feb.body.problems[1].contributors.map((c: { id: string }) => c.id)).toEqual(b.sources.map((s) => s.id));
    // The latest month is the default; in March every section meets its target.
    const latest = await get('/sections/problems');
    expect(latest.body).toEqual({ month: '2026-03', problems: [] });
  });

  it('gives a section its monthly readings against the target and its upstream load', async () => {
    const res = await get('/sections/A/response');
    expect(res.body.months.map((m: { month: string; attains: boolean }) => [m.month, m.attains])).toEqual([['2026-01', true], ['2026-02', false], ['2026-03', true]]);
    expect(res.body.load.whole.cod).toBeCloseTo((await traceUpstream(db.pool, 'A', { limit: 0 })).totals.decayed.cod, 9);
  });

  it('rank-correlates upstream load with mean concentration across sections and shows the caveat', async () => {
    const res = await get('/sections/response-indicator?pollutant=cod');
    // Loads: B > A > C (= 0); mean COD: B 20, A 19.33, C 5 — the same order.
    expect(res.body).toMatchObject({ pollutant: 'cod', n: 3, rho: 1 });
    expect(res.body.caveat.zh).toContain('相关不代表因果');
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.9486832980505138, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });

  it('ranks sources around an air station by emission over squared distance', async () => {
    const res = await get('/air/stations/AS1/contributors?radius_km=20');
    const body = res.body;
    expect(body.sourcesInRadius).toBe(3);
    expect(body.contributors.map((c: { name: string }) => c.name)).toEqual(['西厂', '东厂', '北厂']);
    const west = 50 / (0.05 * EQUATOR_DEG_M / 1000) ** 2;
    const east = 100 / (0.1 * EQUATOR_DEG_M / 1000) ** 2;
    expect(body.contributors[0].score).toBeCloseTo(west, 6);
    expect(body.contributors[1].score).toBeCloseTo(east, 6);
    expect(body.contributors[0].share).toBeCloseTo(west / body.totalScore, 9);
    expect(body.months).toEqual([
      { month: '2026-01', pm25: 35, pm10: null, o3: null, no2: 40, so2: null, aqi: null },
      { month: '2026-02', pm25: 30, pm10: null, o3: null, no2: 38, so2: null, aqi: null },
    ]);
  });

  it('weights sources in the upwind sector: an east wind puts the eastern plant first', async () => {
    const { body } = await get('/air/stations/AS1/contributors?wind_from=90&off_sector_weight=0.25');
    expect(body.contributors.map((c: { name: string; upwind: boolean }) => [c.name, c.upwind])).toEqual([['东厂', true], ['西厂', false], ['北厂', false]]);
    expect(body.contributors[1].score).toBeCloseTo(0.25 * 50 / (0.05 * EQUATOR_DEG_M / 1000) ** 2, 6);
    expect((await get('/air/stations/AS1/contributors?pollutant=co2')).status).toBe(400);
  });
});
