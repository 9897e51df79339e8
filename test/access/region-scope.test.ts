import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedPool } from '../../geodata/access/index.ts';
import { runReview } from '../../geodata/review/index.ts';
import { tileAt } from '../../tiles/tile-address.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { AREA, loadFixture, type FixtureSource } from '../tiles/fixture.ts';
import { features, fetchTile } from '../tiles/tile-client.ts';

// Two districts of Shenzhen in the tiles fixture: Nanshan 440305 west of 114.0°E, Luohu 440303
// east of it. A Nanshan user must get nothing of Luohu through any door, and the database
// itself must hold that line when the code forgets its WHERE clause.
const NANSHAN = '440305';
const LUOHU = '440303';

describe('region scope (row-level security)', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let sources: FixtureSource[];
  let nanshan: TestUser;
  let national: TestUser;
  let nanshanAdmin: TestUser;
  const inNanshan = (s: FixtureSource) => s.division_code.startsWith(NANSHAN);
  const live = () => sources.filter((s) => s.status === 'active' || s.status === 'closed');
  const get = (path: string, user: TestUser) => fetch(`${server.url}${path}`, { headers: user.headers });
  const post = (path: string, user: TestUser, body: unknown) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { ...user.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    db = await openTestDatabase('access_scope');
    sources = await loadFixture(db.pool, 600);
    await runReview(db.pool, 'test');
    server = await startTestServer(db, { YZT_ANONYMOUS: 'off' });
    nanshan = await testUser(db.pool, 'reviewer', NANSHAN);
    national = await testUser(db.pool, 'reviewer');
    nanshanAdmin = await testUser(db.pool, 'admin', NANSHAN);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  describe('in the database itself', () => {
    it('filters a query with no WHERE clause and an UPDATE of every row to the scope', async () => {
      const pool = scopedPool(db.pool, NANSHAN);
      const { rows } = await pool.query<{ division_code: string }>('SELECT division_code FROM source');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.division_code.startsWith(NANSHAN))).toBe(true);
      const total = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM source WHERE division_code LIKE '${NANSHAN}%'`)).rows[0]!.n;
      expect(rows.length).toBe(total);

      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const updated = await client.query(`UPDATE source SET name = name || '·'`);
        expect(updated.rowCount).toBe(total);
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    });

    it('refuses to write a row into another region, and keeps what was there', async () => {
      const pool = scopedPool(db.pool, NANSHAN);
      const before = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM source')).rows[0]!.n;
      await expect(pool.query(
        `INSERT INTO source (census_id, name, source_type, division_code, geom) VALUES ('X1', '越界', 'industrial', $1, ST_SetSRID(ST_MakePoint(114.1, 22.6), 4326))`,
        [`${LUOHU}001`],
      )).rejects.toThrow(/row-level security/);
      // Moving an own source into Luohu is refused too.
      const own = live().find(inNanshan)!;
      await expect(pool.query(`UPDATE source SET division_code = $2 WHERE id = $1`, [own.id, `${LUOHU}001`])).rejects.toThrow(/row-level security/);
      expect((await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM source')).rows[0]!.n).toBe(before);
    });

    it('shows nothing without a valid scope, and never the accounts', async () => {
      for (const scope of ['', 'abc', '4']) {
        const { rows } = await scopedPool(db.pool, scope).query('SELECT id FROM source');
        expect({ scope, rows: rows.length }).toEqual({ scope, rows: 0 });
      }
      await expect(scopedPool(db.pool, '*').query('SELECT password_hash FROM app_user')).rejects.toThrow(/permission denied/);
      await expect(scopedPool(db.pool, '*').query('SELECT token_hash FROM app_session')).rejects.toThrow(/permission denied/);
      await expect(scopedPool(db.pool, '*').query('DELETE FROM edit_log')).rejects.toThrow(/permission denied/);
    });

    it('keeps the national pre-aggregated cells from a scoped user, and lets a national one read them', async () => {
      for (const table of ['source_cell', 'source_type_cell']) {
        const scoped = await scopedPool(db.pool, NANSHAN).query(`SELECT count(*)::int AS n FROM ${table}`);
        const all = await scopedPool(db.pool, '*').query(`SELECT count(*)::int AS n FROM ${table}`);
        expect({ table, scoped: scoped.rows[0].n, national: all.rows[0].n > 0 }).toEqual({ table, scoped: 0, national: true });
      }
    });
  });

  describe('through every door of the API', () => {
    it('tiles: a Nanshan user gets only Nanshan sources, zones and divisions, also after a national user warmed the cache', async () => {
      const z = 15;
      const luohuSource = live().find((s) => !inNanshan(s) && s.lon > 114.05)!;
      const t = tileAt(luohuSource.lon, luohuSource.lat, z);
      const path = `/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`;
      const nationalTile = await fetchTile(server.url + path, national.headers);
      expect(features(nationalTile.layers.sources).some((f) => f.id === luohuSource.id)).toBe(true);
      const scoped = await fetchTile(server.url + path, nanshan.headers);
      expect(scoped.status).toBe(200);
      expect(features(scoped.layers.sources).filter((f) => f.id !== undefined && !inNanshan(sources[f.id - 1]!))).toEqual([]);
      expect(scoped.headers.get('cache-control')).toMatch(/private/);
      // The fixture's zones lie at 113.80-113.87°E (Nanshan) and 114.00-114.07°E (Luohu).
      const tiles = [tileAt(113.83, 22.6, 11), tileAt(114.03, 22.6, 11)];
      for (const layer of ['census_zones', 'divisions_county', 'divisions_township']) {
        const codes = async (user?: TestUser) => {
          const out: string[] = [];
          for (const b of tiles) {
            const tile = await fetchTile(`${server.url}/tiles/${layer}/${b.z}/${b.x}/${b.y}.mvt`, user?.headers ?? {});
            if (!user) expect(tile.status).toBe(401);
            out.push(...Object.values(tile.layers).flatMap((l) => features(l).map((f) => String(f.properties.code))));
          }
          return out;
        };
        const all = await codes(national);
        expect(all.some((c) => c.startsWith(LUOHU)) && all.some((c) => c.startsWith(NANSHAN))).toBe(true);
        const mine = await codes(nanshan);
        expect({ layer, some: mine.length > 0, foreign: mine.filter((c) => !c.startsWith(NANSHAN)) }).toEqual({ layer, some: true, foreign: [] });
        await codes();
      }
      // Asking for Luohu by filter gives an empty tile, not Luohu.
      const asked = await fetchTile(`${server.url}${path}?division=${LUOHU}`, nanshan.headers);
      expect(features(asked.layers.sources)).toEqual([]);
    });

    it('tiles: low-zoom cells count only the sources in scope', async () => {
      const t = tileAt((AREA.west + AREA.east) / 2, (AREA.south + AREA.north) / 2, 6);
      const count = async (user: TestUser) => {
        const tile = await fetchTile(`${server.url}/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`, user.headers);
        return features(tile.layers.source_cells).reduce((a, f) => a + Number(f.properties.count), 0);
      };
      const visible = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM source WHERE status <> 'deleted' AND division_code LIKE $1`, [`${NANSHAN}%`])).rows[0]!.n;
      expect(await count(nanshan)).toBe(visible);
      expect(await count(national)).toBeGreaterThan(visible);
    });

    it('search, feature details, statistics, area queries and exports stay inside the scope', async () => {
      const luohu = live().find((s) => !inNanshan(s))!;
      const own = live().find(inNanshan)!;
      const hits = async (q: string) => ((await (await get(`/api/explore/search?q=${encodeURIComponent(q)}`, nanshan)).json()) as { hits: { id: string }[] }).hits;
      expect(await hits(luohu.census_id)).toEqual([]);
      expect((await hits(own.census_id)).length).toBeGreaterThan(0);
      expect((await get(`/api/explore/feature/source_id/${luohu.id}`, nanshan)).status).toBe(404);
      expect((await get(`/api/explore/feature/source_id/${own.id}`, nanshan)).status).toBe(200);

      const stats = await (await get('/api/explore/stats', nanshan)).json() as { count: number; byDivision: { code: string }[] };
      const visible = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM source WHERE status <> 'deleted' AND division_code LIKE $1`, [`${NANSHAN}%`])).rows[0]!.n;
      expect(stats.count).toBe(visible);
      expect(stats.byDivision.every((d) => d.code.startsWith(NANSHAN))).toBe(true);

      const everywhere = { kind: 'bbox', bbox: [AREA.west - 1, AREA.south - 1, AREA.east + 1, AREA.north + 1] };
      const query = await (await post('/api/explore/query', nanshan, { area: everywhere, limit: 5000 })).json() as { sources: { division_code: string }[] };
      expect(query.sources.length).toBe(visible);
      expect(query.sources.every((s) => s.division_code.startsWith(NANSHAN))).toBe(true);
      const csv = await (await post('/api/explore/export', nanshan, { area: everywhere, format: 'csv' })).text();
      expect(csv).not.toContain(luohu.census_id);
      expect(csv).toContain(own.census_id);
    });

    it('review: the list, exports, history and actions see only the scope; an action on Luohu is not found', async () => {
      const list = async (user: TestUser) => (await (await get('/api/review/items?limit=1000', user)).json()) as { total: number; items: { id: number; divisionCode: string | null; subjectKind: string; rowVersion: number }[] };
      const all = await list(national);
      const mine = await list(nanshan);
      expect(all.total).toBeGreaterThan(mine.total);
      expect(mine.items.every((i) => i.divisionCode?.startsWith(NANSHAN))).toBe(true);
      const csv = await (await get('/api/review/items?format=csv', nanshan)).text();
      expect(csv.split('\n').filter((l) => l.includes(`,${LUOHU}`))).toEqual([]);
      const foreign = all.items.find((i) => i.subjectKind === 'source' && i.divisionCode?.startsWith(LUOHU));
      expect(foreign).toBeDefined();
      const res = await post(`/api/review/items/${foreign!.id}/actions`, nanshan, { action: 'accept', reason: '越权', rowVersion: foreign!.rowVersion });
      expect(res.status).toBe(404);
      const log = await db.pool.query(`SELECT 1 FROM edit_log WHERE reason = '越权'`);
      expect(log.rowCount).toBe(0);
      // A national reviewer's decision on it is in the source's history, which Nanshan cannot read.
      const ok = await post(`/api/review/items/${foreign!.id}/actions`, national, { action: 'accept', reason: '已核实', rowVersion: foreign!.rowVersion });
      expect(ok.status).toBe(200);
      const sourceId = (await db.pool.query<{ source_id: string }>('SELECT source_id FROM review_finding WHERE id = $1', [foreign!.id])).rows[0]!.source_id;
      const history = async (user: TestUser) => ((await (await get(`/api/review/sources/${sourceId}/history`, user)).json()) as { history: unknown[] }).history;
      expect((await history(national)).length).toBe(1);
      expect(await history(nanshan)).toEqual([]);
    });

    it('imports: a Nanshan admin cannot store a Luohu source, and nothing of the file is kept', async () => {
      const csv = '普查编号,单位名称,污染源类型,行政区划代码,经度,纬度\nN1,南山新厂,工业源,440305001,113.90,22.60\nL1,罗湖新厂,工业源,440303001,114.10,22.60\n';
      const form = new FormData();
      form.append('file', new Blob([csv]), 'mixed.csv');
      const res = await fetch(`${server.url}/api/import/source`, { method: 'POST', body: form, headers: nanshanAdmin.headers });
      // The import names the refused line and stores nothing of the file (one transaction).
      const body = await res.json();
      expect({ status: res.status, body }).toMatchObject({ status: 422, body: { rowsStored: 0, errors: [{ line: 3, reason: expect.stringMatching(/row-level security/) }] } });
      const stored = await db.pool.query(`SELECT 1 FROM source WHERE census_id IN ('N1', 'L1')`);
      expect(stored.rowCount).toBe(0);
    });
  });
});
