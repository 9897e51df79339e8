import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { startTestServer } from '../support/test-server.ts';

const HEADER = '普查编号,单位名称,污染源类型,行业代码,经度,纬度,COD排放量（千克）\n';

/** n source rows S-00001…; `bad` lines (1-based data rows) get an unknown source type. */
function sources(n: number, bad: ReadonlySet<number> = new Set()): string {
  let csv = HEADER;
  for (let i = 1; i <= n; i++) csv += `J-${String(i).padStart(5, '0')},作业厂${i},${bad.has(i) ? 'factory' : '工业源'},1713,${(113.3 + i * 1e-5).toFixed(5)},22.70,${i}\n`;
  return csv;
}

describe('import jobs and file inspection (the import page\'s API)', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: TestUser;
  let viewer: TestUser;
  beforeAll(async () => {
    db = await openTestDatabase('import_jobs');
    server = await startTestServer(db);
    admin = await testUser(db.pool, 'admin');
    viewer = await testUser(db.pool, 'viewer');
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const upload = (path: string, name: string, body: string, fields: Record<string, string> = {}, user: TestUser = admin) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([body]), name);
    return fetch(`${server.url}/api/import/${path}`, { method: 'POST', body: form, headers: user.headers });
  };
  const untilDone = async (id: string) => {
    const seen: { status: string; rowsRead: number }[] = [];
    for (let i = 0; i < 600; i++) {
      const job = await (await fetch(`${server.url}/api/import/jobs/${id}`, { headers: admin.headers })).json();
      seen.push({ status: job.status, rowsRead: job.rowsRead });
      if (job.status !== 'running') return { job, seen };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${id} still running after 30 s`);
  };

  it('proposes the layer, the mapping of Chinese headers and the unit from a file\'s head', async () => {
    const res = await upload('inspect', 'census.csv', sources(20));
    expect(res.status).toBe(200);
    const inspection = await res.json();
    expect(inspection).toMatchObject({ fileName: 'census.csv', format: 'csv', encoding: 'utf8', crs: null });
    expect(inspection.fields).toEqual(['普查编号', '单位名称', '污染源类型', '行业代码', '经度', '纬度', 'COD排放量（千克）']);
    expect(inspection.sample).toHaveLength(5);
    expect(inspection.sample[0]).toMatchObject({ 普查编号: 'J-00001', 单位名称: '作业厂1' });
    const best = inspection.proposals[0];
    expect(best.kind).toBe('source');
    expect(best.missing).toEqual([]);
    expect(best.mapping).toEqual({
      普查编号: 'census_id', 单位名称: 'name', 污染源类型: 'source_type', 行业代码: 'industry_code', 经度: 'lon', 纬度: 'lat', 'COD排放量（千克）': 'cod',
    });
    expect(best.targets).toEqual(expect.arrayContaining(['census_id', 'lon', 'lat', 'cod']));
    // A layer the header cannot feed is proposed last, with what it lacks.
    const station = inspection.proposals.find((p: { kind: string }) => p.kind === 'air_station');
    expect(station.missing.length).toBeGreaterThan(0);
  });

  it('runs an import as a job: 202 at once, progress while it runs, the report when done', async () => {
    const res = await upload('jobs', 'big.csv', sources(6000), { kind: 'source' });
    expect(res.status).toBe(202);
    const started = await res.json();
    expect(started).toMatchObject({ status: 'running', id: expect.any(String) });
    expect(res.headers.get('location')).toBe(`/api/import/jobs/${started.id}`);
    const { job, seen } = await untilDone(started.id);
    expect(job).toMatchObject({ status: 'done', kind: 'source', fileName: 'big.csv', rowsRead: 6000, rowsStored: 6000, error: null });
    expect(job.report).toMatchObject({ rowsStored: 6000, rejected: 0, unitsConverted: [{ column: 'cod', unit: '千克' }] });
    expect(job.rowsPerSecond).toBeGreaterThan(0);
    // Counts only grow while it runs.
    const reads = seen.map((s) => s.rowsRead);
    expect(reads).toEqual([...reads].sort((a, b) => a - b));
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n, round(sum(cod)::numeric, 3)::float AS cod FROM source WHERE census_id LIKE 'J-%'`);
    // 1..6000 kg, read in the header's unit and stored in tonnes.
    expect(rows[0]).toEqual({ n: 6000, cod: (6000 * 6001) / 2 / 1000 });
  });

  it('ends a job with rejected rows as done with the errors by line, storing nothing; a refused file as failed', async () => {
    const res = await upload('jobs', 'bad.csv', sources(30, new Set([7, 12])).replace(/^J-/gm, 'K-'), { kind: 'source' });
    const { job } = await untilDone((await res.json()).id);
    expect(job.status).toBe('done');
    expect(job.report.rowsStored).toBe(0);
    expect(job.report.errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([[8, '污染源类型'], [13, '污染源类型']]);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM source WHERE census_id LIKE 'K-%'`);
    expect(rows[0].n).toBe(0);

    const noColumn = await upload('jobs', 'nocol.csv', '单位名称\n某厂\n', { kind: 'source' });
    const failed = await untilDone((await noColumn.json()).id);
    expect(failed.job).toMatchObject({ status: 'failed', report: null });
    expect(failed.job.error).toMatch(/nocol\.csv line 1: no column for census_id/);
  });

  it('refuses a job without a kind, an unknown job, and non-admins', async () => {
    const noKind = await upload('jobs', 'a.csv', sources(1));
    expect(noKind.status).toBe(400);
    expect((await noKind.json()).error).toMatch(/kind/);
    expect((await fetch(`${server.url}/api/import/jobs/nope`, { headers: admin.headers })).status).toBe(404);
    expect((await upload('jobs', 'a.csv', sources(1), { kind: 'source' }, viewer)).status).toBe(403);
    expect((await upload('inspect', 'a.csv', sources(1), {}, viewer)).status).toBe(403);
  });
});
