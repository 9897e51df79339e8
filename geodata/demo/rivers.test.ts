import { describe, expect, it } from 'vitest';
import { generateDemo } from './generate.ts';

describe('the demo river network', () => {
  const region = generateDemo({ seed: 11, sources: 5000 });
  const reaches = region.layers.river_reach;
  const byId = new Map(reaches.map((r) => [r.id as number, r]));

  it('is acyclic and every reach drains to an outlet on the coast', () => {
    expect(reaches.length).toBeGreaterThan(50);
    for (const start of reaches) {
      const seen = new Set<number>();
      let r = start;
      while (r.downstream_id !== null) {
        expect(seen.has(r.id as number), `cycle through reach ${r.id}`).toBe(false);
        seen.add(r.id as number);
        const next = byId.get(r.downstream_id as number);
        expect(next, `reach ${r.id} drains into missing reach ${r.downstream_id}`).toBeDefined();
        r = next!;
      }
      expect(r.to_node).toMatch(/^M/);
    }
  });

  it('joins reaches node to node: a reach ends where its downstream reach starts', () => {
    for (const r of reaches) {
      if (r.downstream_id === null) continue;
      const d = byId.get(r.downstream_id as number)!;
      expect(r.to_node).toBe(d.from_node);
      const a = (r.geom as { coordinates: number[][] }).coordinates;
      const b = (d.geom as { coordinates: number[][] }).coordinates;
      expect(a[a.length - 1]).toEqual(b[0]);
    }
  });

  it('gives Strahler orders: 1 at sources, +1 where two equal orders meet, else the larger', () => {
    const upstream = new Map<number, number[]>();
    for (const r of reaches) {
      if (r.downstream_id === null) continue;
      upstream.set(r.downstream_id as number, [...(upstream.get(r.downstream_id as number) ?? []), r.stream_order as number]);
    }
    for (const r of reaches) {
      const ups = upstream.get(r.id as number) ?? [];
      if (ups.length === 0) {
        expect(r.stream_order).toBe(1);
        continue;
      }
      expect(ups.length, `reach ${r.id} starts at a confluence`).toBeGreaterThanOrEqual(2);
      const max = Math.max(...ups);
      expect(r.stream_order).toBe(ups.filter((o) => o === max).length >= 2 ? max + 1 : max);
    }
    expect(Math.max(...reaches.map((r) => r.stream_order as number))).toBeGreaterThanOrEqual(3);
  });

  it('has several main rivers reaching the sea, each with a level-1 basin, and Chinese river names', () => {
    const outlets = reaches.filter((r) => r.downstream_id === null);
    expect(outlets.length).toBeGreaterThanOrEqual(4);
    const level1 = region.layers.basin.filter((b) => b.level === 1);
    expect(level1.length).toBeGreaterThanOrEqual(5);
    for (const b of region.layers.basin) expect(b.name).toMatch(/流域$/);
    for (const r of reaches) expect(r.name).toMatch(/^[\u4e00-\u9fff]{2,3}(江|河|涌|水)$/);
    const basinCodes = new Set(region.layers.basin.map((b) => b.code));
    for (const r of reaches) expect(basinCodes.has(r.basin_code as string)).toBe(true);
  });
});
