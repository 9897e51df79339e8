import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../geodata/import/index.ts';
import { buildRiverNetwork, linkNetwork, traceDownstreamFromSource, traceUpstream, type NetworkReport } from '../../geodata/network/index.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * Issue #15 on the real Pearl River lines (1:4M, arc-node, digitised in no particular
 * direction, double-line main rivers, island rings, delta mouths closed by coast arcs), with
 * no outlet given. Sections sit where the issue placed them: 西江 at 肇庆, 北江 at 清远, 东江 at
 * 惠州; synthetic sources sit on the rivers named by their census ids.
 */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REAL = process.env.YZT_REAL_GEODATA ?? join(REPO_ROOT, '..', 'shared', 'geodata', 'real');
const PEARL = join(REAL, 'pearl-rivers-gd.geojson');

/** Sources: census id → [reach id, fraction along its line as digitised]. */
const SOURCES: Record<string, [number, number]> = {
  'YU-南宁': [2091, 0.5], 'LIU-柳州': [2036, 0.5], 'QIAN-黔江': [2064, 0.5], 'XUN-A': [2073, 0.5], 'XUN-B': [2072, 0.5],
  'XI-梧州': [2083, 0.5], 'XI-BANK-ABOVE': [2098, 0.15], 'XI-BANK-BELOW': [2098, 0.97], 'XI-BELOW': [465, 0.5],
  'BEI-韶关': [2011, 0.5], 'BEI-英德': [2035, 0.2], 'BEI-REVERSED': [2050, 0.3],
  'DONG-河源': [2066, 0.5], 'DONG-上游': [2019, 0.5], 'DONG-BANK': [2089, 0.3],
};

async function placeSources(db: TestDatabase): Promise<void> {
  for (const [census, [reach, at]] of Object.entries(SOURCES)) {
    await db.pool.query(
      `INSERT INTO source (census_id, name, source_type, geom, cod, nh3n, tn, tp)
       SELECT $1, $1 || ' 厂', 'industrial', ST_LineInterpolatePoint(geom, $3), 100, 10, 20, 1 FROM river_reach WHERE id = $2`, [census, reach, at]);
  }
}

/** A section between two bank lines: halfway from a point on one bank to the nearest point of the other. */
async function sectionBetween(db: TestDatabase, code: string, name: string, bank: number, at: number, otherBank: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO section (code, name, level, target_class, geom)
     SELECT $1, $2, 'national', 2, ST_LineInterpolatePoint(ST_MakeLine(p, ST_ClosestPoint(o.geom, p)), 0.5)
       FROM (SELECT ST_LineInterpolatePoint(geom, $4) AS p FROM river_reach WHERE id = $3) a, river_reach o WHERE o.id = $5`,
    [code, name, bank, at, otherBank]);
}

async function sectionOn(db: TestDatabase, code: string, name: string, reach: number, at: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO section (code, name, level, target_class, geom) SELECT $1, $2, 'national', 2, ST_LineInterpolatePoint(geom, $4) FROM river_reach WHERE id = $3`,
    [code, name, reach, at]);
}

async function upstreamCensus(db: TestDatabase, code: string): Promise<string[]> {
  const trace = await traceUpstream(db.pool, code, { limit: 1000 });
  return trace.sources.map((s) => s.censusId!).sort();
}

async function namesOf(db: TestDatabase, ids: number[]): Promise<Set<string>> {
  const { rows } = await db.pool.query<{ name: string | null }>(`SELECT DISTINCT name FROM river_reach WHERE id = ANY($1::bigint[])`, [ids]);
  return new Set(rows.map((r) => r.name ?? ''));
}

describe.skipIf(!existsSync(PEARL))('direction from the real Pearl River lines, with no outlet given', () => {
  let db: TestDatabase;
  let report: NetworkReport;
  beforeAll(async () => {
    db = await openTestDatabase('real_rivers');
    await importFile(db.pool, { kind: 'river_reach', files: [PEARL], actor: 'test', mapping: { HYD2_4M_: 'id' } });
    await placeSources(db);
    // 肇庆: between the 西江 banks (2100 kept, 2098 the other); 清远 on 北江; 惠州 between the 东江 banks.
    await sectionBetween(db, 'ZQ', '肇庆', 2100, 0.5, 2098);
    await sectionOn(db, 'QY', '清远', 2054, 0.5);
    await sectionBetween(db, 'HZ', '惠州', 2092, 0.4, 2089);
    report = await buildRiverNetwork(db.pool, { direction: 'auto' });
    // 200 m: the sections between the banks lie farther than that from either bank line.
    await linkNetwork(db.pool, { sectionToleranceM: 200 });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('finds the sea mouths closed by coast arcs, keeps island rings and second banks off the flow, and leaves no loop', async () => {
    expect(report.auto!.outlets.filter((o) => o.how === 'mouth').map((o) => o.reach)).toEqual(expect.arrayContaining([2117, 2124, 2129, 2139]));
    const features = JSON.parse(readFileSync(PEARL, 'utf8')).features as { properties: { HYD2_4M_: number; FNODE_: number; TNODE_: number } }[];
    const closed = features.filter((f) => f.properties.FNODE_ === f.properties.TNODE_).map((f) => f.properties.HYD2_4M_).sort((a, b) => a - b);
    expect(report.auto!.islandRings).toEqual(closed);
    expect(report.cycles).toEqual([]);
    expect(report.noOutlet).toEqual([]);
    // 西江's two bank lines: one is kept for the flow.
    const xi = report.auto!.banks.find((b) => b.dropped.includes(2098) || b.kept.includes(2098))!;
    expect(xi.widthM).toBeLessThan(3000);
    expect(report.offFlow).toContain(2098);
    expect(report.reachNames['2098']).toBe('西江');
  });

  it('upstream of 西江 at 肇庆 holds every tributary above it (郁江, 柳江, 黔江, 浔江 on both banks) and nothing below or on 北江 and 东江', async () => {
    const { rows } = await db.pool.query(`SELECT via FROM network_section WHERE section_code = 'ZQ'`);
    expect(rows).toEqual([{ via: 'nearest' }]);
    expect(await upstreamCensus(db, 'ZQ')).toEqual(['LIU-柳州', 'QIAN-黔江', 'XI-BANK-ABOVE', 'XI-梧州', 'XUN-A', 'XUN-B', 'YU-南宁'].sort());
    const trace = await traceUpstream(db.pool, 'ZQ');
    const names = await namesOf(db, trace.reaches);
    for (const river of ['郁江(驮娘江、右江、邕江)', '柳江(都柳江、融江)', '黔江', '浔江', '西江']) expect(names).toContain(river);
    for (const river of ['北江(浈水)', '东江(寻邬水)']) expect(names).not.toContain(river);
    expect(trace.validity).toMatchObject({ complete: true, outletHow: 'mouth', warning: null });
  });

  it('upstream of 北江 at 清远 holds 韶关 and 英德, and of 东江 at 惠州 holds 河源 and the far bank', async () => {
    expect(await upstreamCensus(db, 'QY')).toEqual(['BEI-REVERSED', 'BEI-英德', 'BEI-韶关'].sort());
    expect(await upstreamCensus(db, 'HZ')).toEqual(['DONG-BANK', 'DONG-上游', 'DONG-河源'].sort());
  });

  it('traces a double-line stretch down one path: a source on the far bank reaches 肇庆 by the kept bank', async () => {
    const { rows } = await db.pool.query(`SELECT census_id, id FROM source WHERE census_id IN ('XI-BANK-ABOVE', 'XI-梧州')`);
    const id = new Map(rows.map((r) => [r.census_id, Number(r.id)]));
    const far = await traceDownstreamFromSource(db.pool, id.get('XI-BANK-ABOVE')!);
    const near = await traceDownstreamFromSource(db.pool, id.get('XI-梧州')!);
    expect(far.sections.map((s) => s.code)).toContain('ZQ');
    expect(far.reaches.filter((r) => report.offFlow.includes(r))).toEqual([]);
    // Both follow the same reaches from 2083 down to the sea.
    expect(far.reaches.slice(far.reaches.indexOf(2083))).toEqual(near.reaches.slice(near.reaches.indexOf(2083)));
  });

  it('reports the delta forks it cannot resolve by name, and a trace through one carries the warning', async () => {
    const ambiguous = report.auto!.forks.filter((f) => f.resolvedBy === null);
    expect(ambiguous.length).toBeGreaterThan(0);
    expect(report.auto!.ambiguousForks).toEqual(ambiguous.map((f) => f.reach).sort((a, b) => a - b));
    const fork = ambiguous.find((f) => f.kept !== null)!;
    await sectionOn(db, 'FORK', '分汊下', fork.kept!, 0.5);
    await linkNetwork(db.pool, { sectionToleranceM: 200 });
    const trace = await traceUpstream(db.pool, 'FORK');
    expect(trace.validity.complete).toBe(false);
    expect(trace.validity.ambiguousForks.map((f) => f.reach)).toContain(fork.reach);
    expect(trace.validity.warning!.zh).toContain('分汊');
    expect(trace.validity.warning!.en).toContain('ambiguous fork');
  });
});

describe.skipIf(!existsSync(PEARL))('lines the test makes from the real data', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('real_rivers_edited');
    await importFile(db.pool, { kind: 'river_reach', files: [PEARL], actor: 'test', mapping: { HYD2_4M_: 'id' } });
    await placeSources(db);
    await sectionOn(db, 'QY', '清远', 2054, 0.5);
    await sectionBetween(db, 'ZQ', '肇庆', 2100, 0.5, 2098);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('corrects a reach the test reverses: 清远 still sees 韶关 and 英德, where the digitised direction cuts them off', async () => {
    await db.pool.query(`UPDATE river_reach SET geom = ST_Reverse(geom) WHERE id = 2050`);
    await buildRiverNetwork(db.pool, { direction: 'attribute' });
    await linkNetwork(db.pool);
    expect(await upstreamCensus(db, 'QY')).not.toContain('BEI-韶关');
    await buildRiverNetwork(db.pool, { direction: 'auto' });
    await linkNetwork(db.pool);
    expect(await upstreamCensus(db, 'QY')).toEqual(['BEI-REVERSED', 'BEI-英德', 'BEI-韶关'].sort());
    const { rows } = await db.pool.query(`SELECT id::int, downstream_id::int AS down FROM river_reach WHERE id IN (2040, 2050) ORDER BY id`);
    expect(rows).toEqual([{ id: 2040, down: 2050 }, { id: 2050, down: 2054 }]);
  });

  it('keeps an island ring the test draws between the 西江 banks off the flow, and a source on it drains past 肇庆', async () => {
    // A closed ring of 300 m radius around a point halfway between the banks, upstream of 肇庆.
    await db.pool.query(`
      INSERT INTO river_reach (id, name, geom)
      SELECT 9001, '西江', ST_ExteriorRing(ST_Buffer(ST_LineInterpolatePoint(ST_MakeLine(p, ST_ClosestPoint(o.geom, p)), 0.5)::geography, 150, 8)::geometry)
        FROM (SELECT ST_LineInterpolatePoint(geom, 0.2) AS p FROM river_reach WHERE id = 2100) a, river_reach o WHERE o.id = 2098`);
    await db.pool.query(`
      INSERT INTO source (census_id, name, source_type, geom, cod) SELECT 'ISLAND', '岛上厂', 'industrial', ST_StartPoint(geom), 50 FROM river_reach WHERE id = 9001`);
    const report = await buildRiverNetwork(db.pool, { direction: 'auto' });
    await linkNetwork(db.pool, { sectionToleranceM: 200 });
    expect(report.auto!.islandRings).toContain(9001);
    expect(report.cycles).toEqual([]);
    expect(await upstreamCensus(db, 'ZQ')).toContain('ISLAND');
  });

  it('a double-line stretch the test draws (a parallel copy of 北江 above 清远) is kept as one path', async () => {
    // A second bank 600 m east of 2050, joined to both of its ends: the ring they form is thin.
    await db.pool.query(`
      INSERT INTO river_reach (id, name, geom)
      SELECT 9002, '北江(浈水)', ST_MakeLine(ARRAY[ST_StartPoint(geom), ST_Translate(ST_LineInterpolatePoint(geom, 0.3), 0.006, 0),
                                            ST_Translate(ST_LineInterpolatePoint(geom, 0.7), 0.006, 0), ST_EndPoint(geom)])
        FROM river_reach WHERE id = 2050`);
    await db.pool.query(`
      INSERT INTO source (census_id, name, source_type, geom, cod) SELECT 'BEI-BANK2', '对岸厂', 'industrial', ST_LineInterpolatePoint(geom, 0.5), 50 FROM river_reach WHERE id = 9002`);
    const report = await buildRiverNetwork(db.pool, { direction: 'auto' });
    await linkNetwork(db.pool);
    const stretch = report.auto!.banks.find((b) => b.kept.includes(9002) || b.dropped.includes(9002));
    expect(stretch).toBeDefined();
    expect(report.auto!.forks.map((f) => f.reach)).not.toContain(9002);
    expect(await upstreamCensus(db, 'QY')).toEqual(expect.arrayContaining(['BEI-BANK2', 'BEI-REVERSED', 'BEI-英德', 'BEI-韶关']));
    const { rows } = await db.pool.query(`SELECT id FROM source WHERE census_id = 'BEI-BANK2'`);
    const down = await traceDownstreamFromSource(db.pool, Number(rows[0].id));
    expect(down.sections.map((s) => s.code)).toContain('QY');
  });
});
