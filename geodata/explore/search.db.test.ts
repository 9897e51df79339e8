import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { fixtureDir } from '../import/test-support/fixtures.ts';
import { inScope, scopedPool } from '../access/index.ts';
import { insertRows } from '../db/bulk-insert.ts';
import { importFile } from '../import/index.ts';
import { LAYERS, type Row } from '../model/layers.ts';
import { searchFeatures } from './search.ts';

// Source name search (migration 010) against the plain query it replaces: every answer must be
// what `name ILIKE '%q%' ORDER BY length(name), census_id` gives, in the request's scope.
const EAST = '440305'; // district codes of the two halves
const WEST = '440306';

const TOWNS = ['桂城', '大良', '西樵', '九江', '丹灶', '里水'];
const TRADES = ['华兴', '永利', '宏达', '金源', '立信', '粤海', '南粤', '汇通'];
const SUFFIXES = ['石化有限公司', '印染厂', '化工有限公司', '酒家', '生猪养殖场', '电镀有限公司', '村', '污水处理厂', '示范基地'];
// Names the generator does not make: Latin letters in both cases, the LIKE wildcards and the
// escape character taken literally, one-character and very long names.
const SPECIAL = [
  'ACME Chemical 石化有限公司', 'acme化工厂', 'Acme', 'ACMEX', '50%达标污水处理厂', '5000达标厂',
  'a_b测试厂', 'axb测试厂', 'C:\\temp 厂', '厂', '石', '石化', '示范区桂城街道宏达石化有限公司第一分厂生产车间',
  // tsquery syntax taken literally
  "O'Brien & Sons (HK) Ltd.", 'a:b*c!d|e', 'ÄÖÜ Großhandel Ω',
  // longer than the 10,000 characters that get index keys
  `${'长'.repeat(9996)}末尾鲸鱼号`,
];

interface Stored {
  readonly census_id: string;
  readonly name: string;
  readonly division_code: string | null;
  readonly listed: boolean; // not deleted and with a position
}

let db: TestDatabase;
const stored: Stored[] = [];

function sourceRow(s: { census_id: string; name: string; division_code: string | null; status?: string; geom?: boolean; credit_code?: string }, rng: () => number): Row {
  return {
    census_id: s.census_id, name: s.name, credit_code: s.credit_code ?? null, source_type: 'industrial', industry_code: null,
    zone_code: null, division_code: s.division_code,
    geom: s.geom === false ? null : { type: 'Point', coordinates: [113 + rng() * 0.5, 22.5 + rng() * 0.5] },
    entered_x: null, entered_y: null, entered_crs: 'wgs84', outfall_code: null, facility_census_id: null,
    cod: null, nh3n: null, tn: null, tp: null, so2: null, nox: null, pm: null, vocs: null, status: s.status ?? 'active',
  };
}

beforeAll(async () => {
  db = await openTestDatabase('search');
  const rng = seedrandom('search');
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  const rows: Row[] = [];
  const add = (s: Parameters<typeof sourceRow>[0]) => {
    rows.push(sourceRow(s, rng));
    stored.push({ census_id: s.census_id, name: s.name, division_code: s.division_code, listed: s.status !== 'deleted' && s.geom !== false });
  };
  // Census ids in shuffled order, so that the tie-break is not the insertion order.
  const ids = Array.from({ length: 1200 }, (_, i) => i);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  ids.forEach((k, i) => {
    const name = rng() < 0.5 ? `示范区${pick(TOWNS)}镇${pick(TRADES)}${pick(SUFFIXES)}` : `${pick(TOWNS)}${pick(TRADES)}${pick(SUFFIXES)}`;
    add({
      census_id: `S${String(k).padStart(5, '0')}`, name, division_code: `${rng() < 0.5 ? EAST : WEST}${String(1 + (i % 3)).padStart(3, '0')}`,
      status: i % 97 === 0 ? 'deleted' : i % 13 === 0 ? 'closed' : 'active', geom: i % 89 !== 0,
    });
  });
  SPECIAL.forEach((name, i) => add({ census_id: `X${String(i).padStart(3, '0')}`, name, division_code: i % 2 ? EAST : WEST }));
  // No district: visible to national requests only, as the row-level security policy has it.
  add({ census_id: 'N001', name: '无区划石化厂', division_code: null });
  const client = await db.pool.connect();
  try {
    await insertRows(client, LAYERS.source, rows, null);
  } finally {
    client.release();
  }
  await db.pool.query('ANALYZE source');
});

afterAll(async () => {
  await db?.close();
});

/** The answer of the plain query that search replaces, computed as the owner. */
async function expected(q: string, limit: number, scope = '*'): Promise<string[]> {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await db.pool.query<{ census_id: string }>(
    `SELECT census_id FROM source
      WHERE status <> 'deleted' AND geom IS NOT NULL AND name ILIKE $1 AND ($2 = '*' OR division_code LIKE $2 || '%')
      ORDER BY length(name), census_id LIMIT $3`,
    [pattern, scope, limit],
  );
  return rows.map((r) => r.census_id);
}

/** The source name hits of a search as `scope` (ids of exact matches removed). */
async function found(q: string, limit: number, scope = '*'): Promise<string[]> {
  const hits = await searchFeatures(scopedPool(db.pool, scope), q, limit);
  return hits.filter((h) => h.layer === 'source').map((h) => h.id);
}

/** search_source_ids called directly, with small bounds so that few rows reach every step. */
async function foundWithBounds(q: string, limit: number, bounds: [probe: number, cap: number, walk: number], scope = '*'): Promise<string[]> {
  return inScope(db.pool, scope, async (client) => {
    const { rows } = await client.query<{ census_id: string }>(
      `SELECT s.census_id FROM search_source_ids($1, $2, $3, $4, $5) WITH ORDINALITY AS h(id, ord) JOIN source s ON s.id = h.id ORDER BY h.ord`,
      [q, limit, ...bounds],
    );
    return rows.map((r) => r.census_id);
  });
}

const QUERIES = [
  '示范', '石化', '公司', '有限公司', '印染厂', '示范区桂城镇', '立信石化', '村', '石', '化', '厂', '号',
  'acme', 'ACME', 'cHeMiCaL', 'me c', '%', '_', '50%', 'a_b', '\\', 'c:\\temp', '达标',
  '示范区桂城街道宏达石化有限公司第一分厂生产车间', '示范区桂城街道宏达石化有限公司第一分厂生产车间二', '无此名称',
  "'", "o'b", "n'", '& sons', '(hk)', ':', '*', 'b*c', '!', '|', 'a:b', 'e', 'Ω', 'ω', 'äöü', 'ÄÖÜ', '鲸鱼', '末尾鲸鱼号', '号', '长长',
];

describe('source name search', () => {
  it('lists what name ILIKE lists, shortest name first, then by census id', async () => {
    for (const q of QUERIES) {
      for (const limit of [1, 5, 20, 50]) {
        expect(await found(q, limit), `${q} (${limit})`).toEqual(await expected(q, limit));
      }
    }
  });

  it('finds two-character Chinese fragments, single characters and Latin letters in any case', async () => {
    expect(await found('石化', 2)).toEqual(['X011', 'N001']); // 石化 itself, then 无区划石化厂
    expect(await found('石', 1)).toEqual(['X010']);
    expect(await found('厂', 1)).toEqual(['X009']);
    expect(await found('acme', 10)).toEqual(['X002', 'X003', 'X001', 'X000']);
    expect(await found('Chemical', 10)).toEqual(['X000']);
  });

  it('takes %, _ and \\ literally', async () => {
    expect(await found('%', 10)).toEqual(['X004']);
    expect(await found('50%', 10)).toEqual(['X004']);
    expect(await found('_', 10)).toEqual(['X006']);
    expect(await found('a_b', 10)).toEqual(['X006']);
    expect(await found('\\', 10)).toEqual(['X008']);
  });

  it('leaves out deleted sources and sources without a position', async () => {
    const hidden = stored.filter((s) => !s.listed).map((s) => s.census_id);
    expect(hidden.length).toBeGreaterThan(10);
    const all = await found('示范', 50).then(async (first) => [...first, ...(await found('区', 50))]);
    expect(all.filter((id) => hidden.includes(id))).toEqual([]);
    const everything = new Set<string>();
    for (const q of ['示', '范', '村', '厂', '司', '场', '家', '地']) for (const id of await foundWithBounds(q, 2000, [200, 1000, 5000])) everything.add(id);
    expect([...everything].filter((id) => hidden.includes(id))).toEqual([]);
  });

  it('answers the same through every step of the length-by-length search', async () => {
    // probe 1 or 3: the first walk seldom finds enough, so the index is asked; cap 20 or 7: its
    // answer is often cut, so the second walk (2000 rows: all of a length) finds the hits;
    // probe 2000: the first walk sees every row of a length.
    for (const bounds of [[3, 20, 2000], [1, 7, 2000], [2000, 2000, 2000]] as [number, number, number][]) {
      for (const q of QUERIES) {
        for (const limit of [1, 7, 20]) {
          expect(await foundWithBounds(q, limit, bounds), `${q} (${limit}, ${bounds.join('/')})`).toEqual(await expected(q, limit));
        }
      }
    }
  });

  it('still lists the shortest names when one length has more hits than it reads and sorts', async () => {
    // probe 1, cap 5, walk 1: the hits at the cut length are a sample of that length, not
    // necessarily the lowest census ids.
    for (const q of ['示范', '公司', '村']) {
      const want = await expected(q, 20);
      const got = await foundWithBounds(q, 20, [1, 5, 1]);
      expect(got).toHaveLength(want.length);
      const length = (id: string) => stored.find((s) => s.census_id === id)!.name.length;
      expect(got.map(length)).toEqual(want.map(length));
      const pattern = q.toLowerCase();
      expect(got.every((id) => stored.find((s) => s.census_id === id)!.name.toLowerCase().includes(pattern))).toBe(true);
    }
  });

  it('shows a district only its own sources, and nothing without a valid scope', async () => {
    for (const q of ['示范', '石化', '公司', '村', 'acme', '%']) {
      expect(await found(q, 20, EAST), q).toEqual(await expected(q, 20, EAST));
      expect(await found(q, 20, `${WEST}002`), q).toEqual(await expected(q, 20, `${WEST}002`));
      expect(await foundWithBounds(q, 20, [1, 5, 2000], EAST), q).toEqual(await expected(q, 20, EAST));
    }
    expect(await found('无区划', 5)).toEqual(['N001']);
    expect(await found('无区划', 5, EAST)).toEqual([]);
    // As the owner, with no scope set: the function shows nothing (it never widens RLS).
    const { rows } = await db.pool.query('SELECT * FROM search_source_ids($1, 20)', ['示范']);
    expect(rows).toEqual([]);
  });

  it('finds a source by census id and by credit code, in either case', async () => {
    const credit = '91440605MA4W0X1234';
    const client = await db.pool.connect();
    try {
      await insertRows(client, LAYERS.source, [sourceRow({ census_id: 'ID0001', name: '编号测试厂', division_code: EAST, credit_code: credit }, seedrandom('id'))], null);
    } finally {
      client.release();
    }
    const byId = await searchFeatures(scopedPool(db.pool, '*'), 'ID0001');
    expect(byId[0]).toMatchObject({ layer: 'source', id: 'ID0001', name: '编号测试厂' });
    const byCredit = await searchFeatures(scopedPool(db.pool, '*'), credit.toLowerCase());
    expect(byCredit[0]).toMatchObject({ layer: 'source', id: 'ID0001' });
    expect(await searchFeatures(scopedPool(db.pool, WEST), 'ID0001')).toEqual([]);
  });

  it('finds a renamed source by its new name only, and drops one that is deleted or loses its position', async () => {
    const scoped = scopedPool(db.pool, EAST);
    const target = stored.find((s) => s.listed && s.division_code?.startsWith(EAST) && s.name.includes('石化'))!;
    expect(await found(target.name, 50, EAST)).toContain(target.census_id);
    // The edit runs as the request role, as an edit through the API would.
    await scoped.query(`UPDATE source SET name = '改名后蓝鲸科技', row_version = row_version + 1 WHERE census_id = $1`, [target.census_id]);
    expect(await found('蓝鲸', 5, EAST)).toEqual([target.census_id]);
    expect(await found('蓝', 5)).toEqual([target.census_id]);
    expect(await found(target.name, 50)).not.toContain(target.census_id);

    await db.pool.query(`UPDATE source SET status = 'deleted' WHERE census_id = $1`, [target.census_id]);
    expect(await found('蓝鲸', 5)).toEqual([]);
    await db.pool.query(`UPDATE source SET status = 'active', geom = NULL WHERE census_id = $1`, [target.census_id]);
    expect(await found('蓝鲸', 5)).toEqual([]);
    await db.pool.query(`UPDATE source SET geom = ST_SetSRID(ST_MakePoint(113.2, 22.7), 4326) WHERE census_id = $1`, [target.census_id]);
    expect(await found('蓝鲸', 5)).toEqual([target.census_id]);
  });

  it('finds sources an import has just stored', async () => {
    const files = fixtureDir('search');
    try {
      const csv = ['普查编号,单位名称,污染源类型,行政区划代码,经度,纬度', 'IMP001,新导入的鲲鹏石化厂,工业源,440305001,113.1,22.6', 'IMP002,Kunpeng Imports Ltd,工业源,440306001,113.3,22.8'].join('\n');
      const report = await importFile(db.pool, { kind: 'source', files: [files.file('sources.csv', csv)], actor: 'test' });
      expect(report.errors).toEqual([]);
      expect(await found('鲲鹏', 5)).toEqual(['IMP001']);
      expect(await found('kunpeng', 5)).toEqual(['IMP002']);
      expect(await found('KUNPENG', 5, WEST)).toEqual(['IMP002']);
      expect(await found('鲲', 5, WEST)).toEqual([]);
    } finally {
      files.remove();
    }
  });
});

/** The zones the plain query lists: code prefix or name, by code, as the owner. */
async function expectedZones(q: string, limit: number, scope = '*'): Promise<string[]> {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await db.pool.query<{ code: string }>(
    `SELECT code FROM census_zone
      WHERE geom IS NOT NULL AND (left(code, length($1)) = $1 OR name ILIKE $2) AND ($3 = '*' OR county_code LIKE $3 || '%')
      ORDER BY code LIMIT $4`,
    [q, pattern, scope, limit],
  );
  return rows.map((r) => r.code);
}

async function foundZones(q: string, limit: number, scope = '*'): Promise<string[]> {
  const hits = await searchFeatures(scopedPool(db.pool, scope), q, limit);
  return hits.filter((h) => h.layer === 'census_zone').map((h) => h.id);
}

async function foundZonesWithBounds(q: string, limit: number, bounds: [probe: number, cap: number], scope = '*'): Promise<string[]> {
  return inScope(db.pool, scope, async (client) => {
    const { rows } = await client.query<{ code: string }>('SELECT code FROM search_zone_codes($1, $2, $3, $4) AS code', [q, limit, ...bounds]);
    return rows.map((r) => r.code);
  });
}

const ZONE_QUERIES = [
  ...QUERIES, '普查小区', '街道', '第007', '桂城', '村普查', EAST, WEST, `${EAST}00`, `${WEST}003`, `${EAST}001000`, `${EAST}900`, '4', '9', '44030',
];

describe('census zone search', () => {
  // Zones are stored only now, so that the source tests above see source hits alone.
  beforeAll(async () => {
    const rng = seedrandom('zones');
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
    const zoneRows: Row[] = [];
    for (let i = 0; i < 400; i++) {
      const county = i % 3 === 0 ? WEST : EAST;
      const township = `${county}${String(1 + (i % 7)).padStart(3, '0')}`;
      const code = `${township}${String(i).padStart(3, '0')}`;
      const name = i % 41 === 0 ? null : i % 5 === 0 ? `${pick(TOWNS)}${pick(TRADES)}村普查小区` : `示范区${pick(TOWNS)}街道第${String(i).padStart(3, '0')}普查小区`;
      const x = 113 + (i % 20) * 0.01, y = 22.5 + Math.floor(i / 20) * 0.01;
      zoneRows.push({ code, name, township_code: township, county_code: county,
        geom: { type: 'Polygon', coordinates: [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]] } });
    }
    SPECIAL.forEach((name, i) => zoneRows.push({ code: `${EAST}900${String(i).padStart(3, '0')}`, name, township_code: `${EAST}900`, county_code: EAST,
      geom: { type: 'Polygon', coordinates: [[[114, 23], [114.01, 23], [114.01, 23.01], [114, 23]]] } }));
    const client = await db.pool.connect();
    try {
      await insertRows(client, LAYERS.census_zone, zoneRows, null);
    } finally {
      client.release();
    }
    // Zones without a geometry are never listed (the import requires one; the table does not).
    await db.pool.query(`UPDATE census_zone SET geom = NULL WHERE right(code, 2) = '17' AND code NOT LIKE '%900%'`);
    await db.pool.query('ANALYZE census_zone');
  });

  it('lists what the code prefix or name ILIKE lists, by code, through every step', async () => {
    const withoutGeometry = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM census_zone WHERE geom IS NULL')).rows[0]!.n;
    expect(withoutGeometry).toBeGreaterThan(0);
    for (const q of ZONE_QUERIES) {
      for (const limit of [1, 20]) {
        const want = await expectedZones(q, limit);
        // Zones come before source names (rank 1 against 2) but share the limit with sections,
        // stations and outfalls, of which there are none here.
        expect((await foundZones(q, 50)).slice(0, limit), q).toEqual(want);
        for (const bounds of [[200, 1000], [1, 1000], [5, 3], [1, 1]] as [number, number][]) {
          expect(await foundZonesWithBounds(q, limit, bounds), `${q} (${limit}, ${bounds.join('/')})`).toEqual(want);
        }
      }
    }
  });

  it('shows a district only its own zones, and nothing without a valid scope', async () => {
    for (const q of ['普查小区', '村', '石化', EAST, WEST, '4403']) {
      expect(await foundZonesWithBounds(q, 20, [1, 1000], WEST), q).toEqual(await expectedZones(q, 20, WEST));
      expect(await foundZonesWithBounds(q, 20, [200, 1000], `${EAST}002`), q).toEqual(await expectedZones(q, 20, `${EAST}002`));
    }
    expect(await foundZones(`${EAST}001`, 20, WEST)).toEqual([]);
    const { rows } = await db.pool.query('SELECT * FROM search_zone_codes($1, 20)', ['普查']);
    expect(rows).toEqual([]);
  });

  it('finds a renamed zone by its new name', async () => {
    const code = (await expectedZones('普查小区', 1))[0]!;
    await scopedPool(db.pool, '*').query(`UPDATE census_zone SET name = '鹈鹕湾新区普查小区' WHERE code = $1`, [code]);
    expect(await foundZones('鹈鹕', 5)).toEqual([code]);
    expect(await foundZones('鹈', 5)).toEqual([code]);
  });
});
