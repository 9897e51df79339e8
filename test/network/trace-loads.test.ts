import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRiverNetwork, DEFAULT_DECAY_PER_KM, linkNetwork, POLLUTANTS, traceDownstreamFromOutfall, traceDownstreamFromSource, traceUpstream, traceUpstreamFrom,
  type Loads, type LinkReport, type UpstreamTrace,
} from '../../geodata/network/index.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { EQUATOR_DEG_M, HAND_LOADS, loadHandNetwork, sourceIds } from './hand-network.ts';

const L = EQUATOR_DEG_M * 0.1; // reaches 1-3: 0.1° of equator each

describe('tracing and loads on a hand-built network', () => {
  let db: TestDatabase;
  let ids: Map<string, string>;
  let census: Map<string, string>;
  let L4: number;
  let L5: number;
  let link: LinkReport;
  beforeAll(async () => {
    db = await openTestDatabase('network_trace');
    await loadHandNetwork(db.pool);
    await buildRiverNetwork(db.pool, { direction: 'stored' });
    link = await linkNetwork(db.pool);
    ids = await sourceIds(db.pool);
    census = new Map([...ids].map(([c, id]) => [id, c]));
    const { rows } = await db.pool.query(`SELECT id, ST_Length(geom::geography) AS m FROM river_reach WHERE id IN (4, 5) ORDER BY id`);
    [L4, L5] = [rows[0].m, rows[1].m];
  });
  afterAll(async () => {
    await db?.close();
  });

  /** River distance from each contributing source to the section, worked out by hand from the layout. */
  const distancesToA = () => ({ S1: L, S2: 0.5 * L + 0.5 * L4, S4: 0.3 * L, S9: 0.5 * L + 0.6 * L4 });
  const distancesToB = () => ({ S1: 2 * L, S2: 1.5 * L + 0.5 * L4, S3: 0.7 * L, S4: 1.3 * L, S9: 1.5 * L + 0.6 * L4, P: 0.5 * L + 0.5 * L5 });

  function expectLoads(trace: UpstreamTrace, distances: Record<string, number>) {
    const plain = Object.fromEntries(POLLUTANTS.map((p, i) => [p, Object.keys(distances).reduce((s, c) => s + HAND_LOADS[c]![i]!, 0)])) as Loads;
    const decayed = Object.fromEntries(POLLUTANTS.map((p, i) => [p,
      Object.entries(distances).reduce((s, [c, d]) => s + HAND_LOADS[c]![i]! * Math.exp(-DEFAULT_DECAY_PER_KM[p] * d / 1000), 0)])) as Loads;
    for (const p of POLLUTANTS) {
      expect(trace.totals.plain[p]).toBeCloseTo(plain[p], 9);
      expect(trace.totals.decayed[p]).toBeCloseTo(decayed[p], 9);
    }
    expect(trace.sources.map((s) => census.get(s.id)).sort()).toEqual(Object.keys(distances).sort());
    for (const s of trace.sources) {
      const c = census.get(s.id)!;
      expect(s.riverM).toBeCloseTo(distances[c as keyof typeof distances]!, 3);
      expect(s.decayed.cod).toBeCloseTo(HAND_LOADS[c]![0] * Math.exp(-DEFAULT_DECAY_PER_KM.cod * s.riverM / 1000), 9);
      expect(s.share).toBeCloseTo(s.decayed.cod / decayed.cod, 12);
    }
  }

  it('links outfalls by reach, by receiving-water name and by nearness, and lists what it cannot link', () => {
    expect(link.outfalls).toEqual({ nearest: 2, name: 1, unlinked: 1 });
    expect(link.sections).toEqual({ nearest: 1, reach_id: 1 });
    expect(link.sources).toEqual({ facility: 2, nearest: 4, outfall: 3, unlinked: 1 });
    expect(link.unlinked).toEqual([
      { kind: 'outfall', id: 'O4', note: 'no reach within 500 m' },
      { kind: 'source', id: ids.get('S8'), note: 'no reach within 5000 m' },
    ]);
  });

  it('places the receiving-water outfall on the reach carrying that name', async () => {
    const { rows } = await db.pool.query(`SELECT reach_id, via FROM network_outfall WHERE outfall_code = 'O3'`);
    expect(rows).toEqual([{ reach_id: '4', via: 'name' }]);
  });

  it('traces the whole upstream of the upper section: the confluence, its sources and outfalls', async () => {
    const trace = await traceUpstream(db.pool, 'A');
    expect(trace.reaches.sort()).toEqual([2, 3, 4]);
    expect(trace.upstreamSections).toEqual([]);
    expect(trace.totals.viaFacility).toBe(0);
    expectLoads(trace, distancesToA());
    expect(trace.outfalls.map((o) => o.id)).toEqual(['O1', 'O3']);
  });

  it('traces the whole upstream of the lower section, counting the plant and not the sources it treats', async () => {
    const trace = await traceUpstream(db.pool, 'B');
    expect(trace.reaches.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(trace.totals.viaFacility).toBe(2);
    expectLoads(trace, distancesToB());
    expect(trace.sources.map((s) => census.get(s.id))).toEqual(['S1', 'S4', 'S2', 'P', 'S3', 'S9']);
    expect(trace.outfalls.map((o) => [o.id, o.sources])).toEqual([['O1', 1], ['O2', 1], ['O3', 1]]);
    expect(trace.outfalls[1]!.decayed.cod).toBeCloseTo(trace.sources[3]!.decayed.cod, 12);
  });

  it('limits the control unit of the lower section to what does not pass the upper section', async () => {
    const trace = await traceUpstream(db.pool, 'B', { scope: 'control' });
    expect(trace.upstreamSections).toEqual(['A']);
    expect(trace.reaches.sort()).toEqual([1, 2, 5]);
    const d = distancesToB();
    expectLoads(trace, { S3: d.S3, P: d.P });
    expect(trace.sources.map((s) => census.get(s.id))).toEqual(['P', 'S3']);
  });

  it('the control unit of the upper section is its whole upstream', async () => {
    const trace = await traceUpstream(db.pool, 'A', { scope: 'control' });
    expectLoads(trace, distancesToA());
  });

  it('applies per-pollutant decay rates and ranks by the chosen pollutant', async () => {
    const k = { cod: 0.1, nh3n: 0, tn: 0.05, tp: 0.3 };
    const trace = await traceUpstream(db.pool, 'B', { decayPerKm: k, rankBy: 'tp' });
    expect(trace.totals.decayed.nh3n).toBeCloseTo(trace.totals.plain.nh3n, 12);
    const expected = Object.entries(distancesToB()).reduce((s, [c, m]) => s + HAND_LOADS[c]![3] * Math.exp(-0.3 * m / 1000), 0);
    expect(trace.totals.decayed.tp).toBeCloseTo(expected, 9);
    // With fast decay the near sources win: S3 (7.8 km) and P (11.1 km) lead.
    expect(trace.sources.slice(0, 2).map((s) => census.get(s.id))).toEqual(['S3', 'P']);
    expect(trace.sources.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 12);
  });

  it('traces upstream of an outfall: its own source where it discharges and the tributary above it', async () => {
    const trace = await traceUpstreamFrom(db.pool, { kind: 'outfall', code: 'O1' });
    expect(trace.from).toMatchObject({ kind: 'outfall', id: 'O1', name: '一号口', reachId: 4 });
    expect(trace.section).toBeUndefined();
    expect(trace.reaches).toEqual([4]);
    // O1 sits halfway down the tributary, O3 (with S9) a tenth of it higher up.
    expectLoads(trace, { S2: 0, S9: 0.1 * L4 });
    expect(trace.outfalls.map((o) => o.id)).toEqual(['O1', 'O3']);
  });

  it('traces upstream of a source: everything draining to its point, without the source itself', async () => {
    const trace = await traceUpstreamFrom(db.pool, { kind: 'source', id: Number(ids.get('S3')), censusId: 'S3' });
    expect(trace.from).toMatchObject({ kind: 'source', id: ids.get('S3'), censusId: 'S3', reachId: 2 });
    expect(trace.reaches.sort()).toEqual([2, 3, 4]);
    // S3 sits at 0.18°E on reach 2: 0.3 L beyond section A, so A's contributors 0.3 L further away.
    const a = distancesToA();
    expectLoads(trace, { S1: a.S1 + 0.3 * L, S2: a.S2 + 0.3 * L, S4: a.S4 + 0.3 * L, S9: a.S9 + 0.3 * L });
    // In 'control' scope the section A above it bounds the unit, and nothing drains in between.
    const control = await traceUpstreamFrom(db.pool, { kind: 'source', id: Number(ids.get('S3')), censusId: 'S3' }, { scope: 'control' });
    expect(control.upstreamSections).toEqual(['A']);
    expect(control.reaches).toEqual([2]);
    expectLoads(control, {});
  });

  it('refuses an upstream trace from a source off the network, naming why', async () => {
    await expect(traceUpstreamFrom(db.pool, { kind: 'source', id: Number(ids.get('S8')), censusId: 'S8' })).rejects.toThrow(/source S8 is not on the river network: no reach within 5000 m/);
  });

  it('traces a source downstream to both sections in series, with the decay remaining at each', async () => {
    const trace = await traceDownstreamFromSource(db.pool, Number(ids.get('S1')));
    expect(trace.reaches).toEqual([3, 2, 1]);
    expect(trace.sections.map((s) => s.code)).toEqual(['A', 'B']);
    expect(trace.sections[0]!.riverM).toBeCloseTo(L, 3);
    expect(trace.sections[1]!.riverM).toBeCloseTo(2 * L, 3);
    expect(trace.sections[1]!.delivered!.cod).toBeCloseTo(100 * Math.exp(-DEFAULT_DECAY_PER_KM.cod * 2 * L / 1000), 9);
  });

  it('a source between the sections reaches only the lower one; one below both reaches none', async () => {
    expect((await traceDownstreamFromSource(db.pool, Number(ids.get('S3')))).sections.map((s) => s.code)).toEqual(['B']);
    const below = await traceDownstreamFromSource(db.pool, Number(ids.get('S7')));
    expect(below.reaches).toEqual([1]);
    expect(below.sections).toEqual([]);
  });

  it('a source treated by the plant reaches the river where the plant does, and is marked uncounted', async () => {
    const trace = await traceDownstreamFromSource(db.pool, Number(ids.get('S6')));
    expect(trace.from).toMatchObject({ via: 'facility', counted: false });
    expect(trace.reaches).toEqual([5, 1]);
    expect(trace.sections.map((s) => s.code)).toEqual(['B']);
    expect(trace.sections[0]!.delivered).toBeNull();
  });

  it('traces an outfall downstream, and says why an unlinked one goes nowhere', async () => {
    expect((await traceDownstreamFromOutfall(db.pool, 'O1')).reaches).toEqual([4, 2, 1]);
    const far = await traceDownstreamFromOutfall(db.pool, 'O4');
    expect(far).toMatchObject({ reaches: [], sections: [], from: { note: 'no reach within 500 m' } });
  });
});
