import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../../geodata/model/credit-code.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { startTestServer } from '../support/test-server.ts';

const REAL = process.env.YZT_REAL_GEODATA ?? fileURLToPath(new URL('../../../shared/geodata/real', import.meta.url));
const HEADER = '普查编号,单位名称,污染源类型,行业代码,经度,纬度,化学需氧量\n';

describe('POST /api/import/{kind}', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: TestUser;
  beforeAll(async () => {
    db = await openTestDatabase('import_http');
    server = await startTestServer(db);
    admin = await testUser(db.pool, 'admin');
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const post = (kind: string, name: string, body: string, fields: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([body]), name);
    return fetch(`${server.url}/api/import/${kind}`, { method: 'POST', body: form, headers: admin.headers });
  };

  it('stores a CSV with Chinese headers and reports the rows', async () => {
    const csv = HEADER + 'S1,示范印染厂,工业源,1713,113.30,22.70,12.5\nS2,示范养殖场,农业源,0313,113.31,22.71,3\n';
    const res = await post('source', 'sources.csv', csv);
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({ kind: 'source', format: 'csv', rowsRead: 2, rowsStored: 2, rejected: 0 });
    const { rows } = await db.pool.query(
      `SELECT census_id, source_type, ST_X(geom) AS x, ST_Y(geom) AS y, cod FROM source ORDER BY census_id`);
    expect(rows).toEqual([
      { census_id: 'S1', source_type: 'industrial', x: 113.3, y: 22.7, cod: 12.5 },
      { census_id: 'S2', source_type: 'agricultural', x: 113.31, y: 22.71, cod: 3 },
    ]);
  });

  it('rejects a file with a bad row with 422, names line and field, and stores nothing of it', async () => {
    const csv = HEADER + 'S3,甲厂,工业源,1713,113.3,22.7,1\nS4,乙厂,factory,1713,113.3,22.7,1\nS5,丙厂,工业源,1713,113.3,22.7,1\n';
    const res = await post('source', 'bad.csv', csv);
    expect(res.status).toBe(422);
    const report = await res.json();
    expect(report.rowsStored).toBe(0);
    expect(report.errors[0]).toMatchObject({ line: 3 });
    expect(report.errors[0].message).toMatch(/line 3/);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM source WHERE census_id IN ('S3','S4','S5')`);
    expect(rows[0].n).toBe(0);
  });

  it('answers an unknown kind with 404 and a body that is not multipart with 400', async () => {
    expect((await post('pizza', 'x.csv', 'a\n1\n')).status).toBe(404);
    const res = await fetch(`${server.url}/api/import/source`, { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain', ...admin.headers } });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/multipart/);
  });

  it('rejects unknown options with 400 naming them', async () => {
    const res = await post('source', 's.csv', HEADER, { colour: 'red' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/colour/);
  });

  it.skipIf(!existsSync(REAL))('imports the real Shenzhen districts repairing their self-touching outlines, and refuses them in strict mode', async () => {
    const geojson = readFileSync(join(REAL, 'shenzhen-districts.geojson'), 'utf8');
    const refused = await post('division', 'shenzhen-districts.geojson', geojson, { repairGeometry: 'false' });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(await refused.json())).toMatch(/leave out repairGeometry=false/);
    const res = await post('division', 'shenzhen-districts.geojson', geojson);
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.rowsStored).toBe(8);
    expect(report.repaired.length).toBeGreaterThan(0);
    expect(report.crs).toMatchObject({ transformed: false, assumed: true });
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n, bool_and(ST_IsValid(geom)) AS valid FROM division WHERE code LIKE '4403%'`);
    expect(rows[0]).toEqual({ n: 8, valid: true });
  });

  it('imports a census form with DMS coordinates and a GCJ-02 CRS, and returns rejected rows when asked', async () => {
    const body = '91440300MA5F0XXX0'.replace(/X/g, '1');
    const good = body + creditCodeCheckChar(body);
    const bad = body + (creditCodeCheckChar(body) === '1' ? '2' : '1');
    const csv = '普查编号,单位名称,污染源类型,统一社会信用代码,经度,纬度\n' +
      `F1,甲厂,工业源,${good},113度56分12.3秒,"22°32'24"""\n` + `F2,乙厂,工业源,${bad},114.06,22.55\n` + 'F3,丙厂,外星源,,114.07,22.56\n';
    const refused = await post('census_form', 'form.csv', csv, { crs: 'gcj02' });
    expect(refused.status).toBe(422);
    const report = await refused.json();
    expect(report.rowsStored).toBe(0);
    expect(report.errors).toEqual([expect.objectContaining({ line: 4, field: '污染源类型' })]);

    const kept = await post('census_form', 'form.csv', csv, { crs: 'gcj02', keepValidRows: 'true' });
    expect(kept.status).toBe(200);
    const partial = await kept.json();
    // A wrong credit-code check character is stored and named for review, not refused.
    expect(partial.rowsStored).toBe(2);
    expect(partial.rejectedCsv).toMatch(/F3,丙厂/);
    expect(partial.rejectedCsv).not.toMatch(/F2,乙厂/);
    expect(partial.creditCodesToReview).toMatchObject({ count: 1, first: [{ line: 3, creditCode: bad, expected: good[17] }] });
    const { rows } = await db.pool.query(`SELECT entered_x, entered_crs, ST_X(geom) AS x FROM source WHERE census_id = 'F1'`);
    expect(rows[0].entered_x).toBe('113度56分12.3秒');
    // GCJ-02 → WGS-84 moves a point in Shenzhen a few hundred metres west of 113.9368°
    expect(rows[0].x).toBeLessThan(113 + 56 / 60 + 12.3 / 3600);
    expect(rows[0].x).toBeGreaterThan(113.92);
  });
});
