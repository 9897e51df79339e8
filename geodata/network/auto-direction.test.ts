import { describe, expect, it } from 'vitest';
import { orientAutomatically, type Arc } from './auto-direction.ts';

/** Arcs in metres; nodes are named by the caller (the snapping is build-network's job). */
function arc(id: number, startNode: number, endNode: number, xy: [number, number][], name: string | null = null): Arc {
  let lengthM = 0;
  for (let i = 1; i < xy.length; i++) lengthM += Math.hypot(xy[i]![0] - xy[i - 1]![0], xy[i]![1] - xy[i - 1]![1]);
  return { id, name, startNode, endNode, xy, lengthM };
}

describe('orienting a network from its shape', () => {
  it('takes the free end the digitising agrees with most as the outlet, and corrects a reach drawn upstream', () => {
    // 1 → 2 → 3 west to east, but 2 is drawn east to west; 4 joins at the node between 2 and 3.
    const arcs = [
      arc(1, 1, 2, [[0, 0], [10_000, 0]]), arc(2, 3, 2, [[20_000, 0], [10_000, 0]]), arc(3, 3, 4, [[20_000, 0], [30_000, 0]]),
      arc(4, 5, 3, [[20_000, 10_000], [20_000, 0]]),
    ];
    const r = orientAutomatically(arcs);
    expect(r.outlets).toEqual([expect.objectContaining({ reach: 3, how: 'free-end' })]);
    expect(Object.fromEntries(r.down)).toEqual({ 1: 2, 2: 3, 3: null, 4: 3 });
  });

  it('finds a mouth closed by a short coast arc between two parallel bank ends', () => {
    // Two banks 1 km apart running south to the coast, closed at the top (5) and at the sea (9).
    const arcs = [
      arc(1, 1, 2, [[0, 20_000], [0, 0]], '大河'), arc(2, 3, 4, [[1000, 20_000], [1000, 0]], '大河'),
      arc(5, 1, 3, [[0, 20_000], [1000, 20_000]]), arc(9, 2, 4, [[0, 0], [1000, 0]]),
      arc(6, 6, 1, [[-5000, 40_000], [0, 20_000]], '大河'),
    ];
    const r = orientAutomatically(arcs);
    expect(r.outlets.map((o) => [o.reach, o.how])).toEqual([[9, 'mouth']]);
    // One bank carries the flow; the other bank and the closing arc are off it.
    expect(r.banks).toHaveLength(1);
    const kept = r.banks[0]!.kept.filter((id) => id !== 9);
    const dropped = r.banks[0]!.dropped;
    expect(kept.length + dropped.length).toBeGreaterThanOrEqual(3);
    for (const id of dropped) expect(r.role.get(id)).toBe('bank');
    expect(r.down.get(6)).not.toBeNull();
    expect(r.water).toHaveLength(1);
  });

  it('sends a tributary joining the far bank into the kept bank', () => {
    // Banks 1 (west) and 2 (east) from the top node 1 down to node 2; tributary 3 joins bank 2 halfway.
    const arcs = [
      arc(1, 1, 2, [[0, 20_000], [0, 0]], '江'), arc(2, 1, 3, [[0, 20_000], [800, 10_000]], '江'), arc(4, 3, 2, [[800, 10_000], [0, 0]], '江'),
      arc(3, 4, 3, [[20_000, 10_000], [800, 10_000]], '支'), arc(7, 2, 5, [[0, 0], [0, -10_000]], '江'), arc(8, 6, 1, [[0, 30_000], [0, 20_000]], '江'),
    ];
    const r = orientAutomatically(arcs, { outlets: [7] });
    expect(r.banks).toHaveLength(1);
    const keptBank = r.banks[0]!.kept;
    const down3 = r.down.get(3)!;
    expect(keptBank).toContain(down3);
    expect(r.role.get(down3)).toBe('flow');
  });

  it('keeps closed rings off the flow', () => {
    const arcs = [arc(1, 1, 2, [[0, 0], [10_000, 0]]), arc(2, 3, 3, [[5000, 100], [5100, 200], [5200, 100], [5000, 100]])];
    const r = orientAutomatically(arcs);
    expect(r.rings).toEqual([2]);
    expect(r.role.get(2)).toBe('ring');
    expect(r.down.get(2)).toBeNull();
  });

  it('resolves a fork by the name of the river arriving, and reports one names cannot resolve', () => {
    // 甲 arrives at node 2 and splits into 甲 and 乙, which both reach the declared outlet arc 9
    // by ways of equal length; with 乙 unnamed too the fork stays ambiguous.
    const fork = (secondName: string | null, firstName: string | null) => [
      arc(1, 1, 2, [[0, 20_000], [0, 10_000]], '甲'),
      arc(2, 2, 3, [[0, 10_000], [-5000, 5000], [0, 0]], firstName), arc(3, 2, 3, [[0, 10_000], [5000, 5000], [0, 0]], secondName),
      arc(9, 3, 4, [[0, 0], [0, -10_000]], '甲'),
    ];
    const named = orientAutomatically(fork('乙', '甲'), { outlets: [9], maxBankWidthM: 100 });
    expect(named.forks).toHaveLength(1);
    expect(named.forks[0]).toMatchObject({ resolvedBy: 'name', reach: 3, kept: 2 });
    const blind = orientAutomatically(fork(null, null), { outlets: [9], maxBankWidthM: 100 });
    expect(blind.forks).toEqual([expect.objectContaining({ resolvedBy: null })]);
  });
});
