/**
 * Flow direction from the shape of the network rather than from the digitising order
 * (issue #15). Pure: no database. Input: the arcs with their snapped end nodes and their
 * coordinates in local metres; output: each arc's downstream arc, its role, the outlets found
 * and what stays ambiguous.
 *
 * Why not the digitised direction: the national 1:4M lines are arc-node data digitised in no
 * particular direction (北江 has an arc drawn towards its headwater, 郁江's last arc points
 * upstream), the double-line (bank) rivers form rings, and the delta mouths are closed by
 * short unnamed coast arcs, so "where no line leaves" finds neither the sea nor the main stem.
 */

export type ArcRole = 'flow' | 'side' | 'bank' | 'ring' | 'unreached';
export type OutletHow = 'declared' | 'mouth' | 'free-end';

export interface Arc {
  id: number;
  name: string | null;
  startNode: number;
  endNode: number;
  /** Coordinates in local metres, as digitised. */
  xy: [number, number][];
  lengthM: number;
}

export interface AutoOptions {
  /** Outlet reach ids given by the user: a piece holding one uses only those. */
  outlets?: number[];
  /** Reach ids the user says are not outlets (a mouth guessed wrongly). */
  notOutlets?: number[];
  /** Widest a double-line river may be (mean width of the ring its two banks form). Default 3000 m. */
  maxBankWidthM?: number;
}

export interface FoundOutlet { reach: number; how: OutletHow; note: string }
export interface Fork {
  /** The branch that does not carry the flow (a side reach: it drains, nothing drains through it). */
  reach: number;
  /** The branch the flow takes from the same node. */
  kept: number | null;
  resolvedBy: 'name' | 'outlet' | null;
  note: string;
}
export interface BankStretch { kept: number[]; dropped: number[]; widthM: number }

export interface AutoResult {
  down: Map<number, number | null>;
  role: Map<number, ArcRole>;
  /** Connected piece of each arc (rings are their own piece). */
  piece: Map<number, number>;
  outlets: FoundOutlet[];
  forks: Fork[];
  banks: BankStretch[];
  rings: number[];
  /** Rings of arcs (outer banks) of double-line stretches, for snapping points between the banks. */
  water: [number, number][][];
  /** Arcs in pieces where no outlet could be found. */
  unreached: number[];
}

const MOUTH_MAX_ANGLE_DEG = 60;
/** A branch is taken as resolved "by the outlet" when the other one is this much longer to the sea. */
const OUTLET_RATIO = 1.2;

export function orientAutomatically(arcs: Arc[], options: AutoOptions = {}): AutoResult {
  const maxBankWidthM = options.maxBankWidthM ?? 3000;
  const byId = new Map(arcs.map((a) => [a.id, a]));
  const role = new Map<number, ArcRole>();
  const down = new Map<number, number | null>();
  const rings: number[] = [];
  const graph: Arc[] = [];
  for (const a of arcs) {
    down.set(a.id, null);
    if (a.startNode === a.endNode) {
      role.set(a.id, 'ring');
      rings.push(a.id);
    } else {
      role.set(a.id, 'flow');
      graph.push(a);
    }
  }
  const atNode = new Map<number, Arc[]>();
  for (const a of graph) {
    push(atNode, a.startNode, a);
    push(atNode, a.endNode, a);
  }
  const degree = (n: number) => atNode.get(n)?.length ?? 0;
  const piece = piecesOf(arcs, graph, atNode);

  // Outlets, piece by piece.
  const declared = new Set(options.outlets ?? []);
  const refused = new Set(options.notOutlets ?? []);
  const piecesWithDeclared = new Set([...declared].filter((id) => byId.has(id)).map((id) => piece.get(id)!));
  const outlets: FoundOutlet[] = [];
  for (const id of declared) if (role.get(id) !== 'ring' && byId.has(id)) outlets.push({ reach: id, how: 'declared', note: 'declared by the user' });
  const mouths = graph.filter((a) => !piecesWithDeclared.has(piece.get(a.id)!) && !refused.has(a.id) && isMouthClosure(a, atNode, maxBankWidthM));
  for (const a of mouths) {
    outlets.push({ reach: a.id, how: 'mouth', note: 'short arc closing two parallel bank ends (a mouth closed by the coast line)' });
  }
  const piecesDone = new Set([...piecesWithDeclared, ...mouths.map((a) => piece.get(a.id)!)]);
  const freeEndsByPiece = new Map<number, { arc: Arc; free: number }[]>();
  for (const a of graph) {
    const p = piece.get(a.id)!;
    if (piecesDone.has(p) || refused.has(a.id)) continue;
    for (const n of [a.endNode, a.startNode]) if (degree(n) === 1) push(freeEndsByPiece, p, { arc: a, free: n });
  }
  for (const [, candidates] of freeEndsByPiece) {
    // No mouth: the outlet is the free end that agrees best with the digitising (length-weighted);
    // on a tree any end gives a consistent orientation, so the digitising only breaks the tie.
    let best: { arc: Arc; free: number; score: number } | null = null;
    for (const c of candidates.slice(0, 300)) {
      const seeds = [seedOf(c.arc, c.free)];
      const tree = shortestTree(graph, atNode, seeds, new Map());
      let score = 0;
      for (const a of graph) {
        if (a.id === c.arc.id) score += c.free === a.endNode ? a.lengthM : -a.lengthM;
        else if (!tree.dist.has(a.startNode)) continue;
        else if (tree.parent.get(a.startNode)?.arc === a.id) score += a.lengthM;
        else if (tree.parent.get(a.endNode)?.arc === a.id) score -= a.lengthM;
      }
      if (!best || score > best.score + 1e-6) best = { ...c, score };
    }
    if (best) outlets.push({ reach: best.arc.id, how: 'free-end', note: 'free end agreeing best with the digitised direction: confirm or override it' });
  }

  const seeds = outlets.map((o) => {
    const a = byId.get(o.reach)!;
    if (o.how === 'mouth') return { arc: a.id, nodes: [a.startNode, a.endNode], dist: 0 };
    const free = degree(a.endNode) === 1 ? a.endNode : degree(a.startNode) === 1 ? a.startNode : a.endNode;
    return seedOf(a, free);
  });

  // First pass over every arc: the rings it leaves are double-line stretches or forks.
  const first = shortestTree(graph, atNode, seeds, new Map());
  const rootArcs = new Set(seeds.map((s) => s.arc));
  const locked = new Set<number>(rootArcs);
  const dropped = new Map<number, number[]>();
  const banks: BankStretch[] = [];
  const water: [number, number][][] = [];
  for (const x of graph) {
    if (!isSide(x, first.parent) || rootArcs.has(x.id)) continue;
    const loop = cycleThrough(x, first.parent, byId);
    if (!loop) continue;
    const ring = ringCoordinates(x, loop, byId);
    const widthM = (2 * Math.abs(shoelace(ring))) / perimeter(ring);
    if (!(widthM <= maxBankWidthM) || !sharesName(loop.uChain, loop.vChain, byId)) continue;
    // Keep the bank more tributaries join (else the longer one); the other bank and the
    // closing arc carry no flow of their own.
    const joins = (chain: number[]) => chain.reduce((n, id) => {
      const a = byId.get(id)!;
      return n + (degree(a.startNode) > 2 ? 1 : 0) + (degree(a.endNode) > 2 ? 1 : 0);
    }, 0);
    const len = (chain: number[]) => chain.reduce((s, id) => s + byId.get(id)!.lengthM, 0);
    const lockedIn = (chain: number[]) => chain.some((id) => locked.has(id));
    // The two banks run from the ring's bottom (where the tree paths meet) up to its top; the
    // arc outside the tree can be a closing arc or a whole bank, so the ring is cut in halves.
    const around = [...[...loop.uChain].reverse(), x.id, ...loop.vChain];
    const total = around.reduce((sum, id) => sum + byId.get(id)!.lengthM, 0);
    let cut = 1, run = 0, bestGap = Infinity;
    for (let i = 0; i < around.length - 1; i++) {
      run += byId.get(around[i]!)!.lengthM;
      if (Math.abs(total / 2 - run) < bestGap) {
        bestGap = Math.abs(total / 2 - run);
        cut = i + 1;
      }
    }
    let keep = around.slice(0, cut), drop = around.slice(cut);
    if (lockedIn(drop) && !lockedIn(keep)) [keep, drop] = [drop, keep];
    else if (lockedIn(keep) === lockedIn(drop) && (joins(drop) > joins(keep) || (joins(drop) === joins(keep) && len(drop) > len(keep)))) [keep, drop] = [drop, keep];
    const toDrop = drop.filter((id) => !locked.has(id));
    if (toDrop.length === 0) continue;
    for (const id of keep) locked.add(id);
    for (const id of toDrop) dropped.set(id, keep);
    banks.push({ kept: [...keep], dropped: toDrop, widthM: Math.round(widthM) });
    water.push(ring);
  }

  // Second pass over the flow arcs only; a node on a dropped bank reaches the kept bank by a
  // lateral link to its nearest node there (a tributary joining the far bank joins the river).
  const lateral = new Map<number, { to: number; m: number }>();
  const flowGraph = graph.filter((a) => !dropped.has(a.id));
  const flowAtNode = new Map<number, Arc[]>();
  for (const a of flowGraph) {
    push(flowAtNode, a.startNode, a);
    push(flowAtNode, a.endNode, a);
  }
  for (const [id, keep] of dropped) {
    const a = byId.get(id)!;
    const keptNodes = keep.flatMap((k) => [byId.get(k)!.startNode, byId.get(k)!.endNode]);
    for (const [n, p] of [[a.startNode, a.xy[0]!], [a.endNode, a.xy.at(-1)!]] as const) {
      if (keptNodes.includes(n) || lateral.has(n)) continue;
      let best: { to: number; m: number } | null = null;
      for (const k of keep) {
        const ka = byId.get(k)!;
        for (const [kn, kp] of [[ka.startNode, ka.xy[0]!], [ka.endNode, ka.xy.at(-1)!]] as const) {
          const m = Math.hypot(p[0] - kp[0], p[1] - kp[1]);
          if (!best || m < best.m) best = { to: kn, m };
        }
      }
      if (best) lateral.set(n, best);
    }
  }
  const second = shortestTree(flowGraph, flowAtNode, seeds, lateral);
  const drainsAt = (node: number): number | null => {
    let n = node;
    for (let guard = 0; guard < 1000; guard++) {
      const p = second.parent.get(n);
      if (!p) return null;
      if (p.arc !== null) return p.arc;
      n = p.via!;
    }
    return null;
  };
  const forks: Fork[] = [];
  const unreached: number[] = [];
  for (const a of graph) {
    if (dropped.has(a.id)) {
      role.set(a.id, 'bank');
      const lower = (second.dist.get(a.startNode) ?? Infinity) <= (second.dist.get(a.endNode) ?? Infinity) ? a.startNode : a.endNode;
      down.set(a.id, drainsAt(lower));
      continue;
    }
    if (!second.dist.has(a.startNode) && !second.dist.has(a.endNode)) {
      role.set(a.id, 'unreached');
      unreached.push(a.id);
      continue;
    }
    if (rootArcs.has(a.id)) continue;
    const ps = second.parent.get(a.startNode), pe = second.parent.get(a.endNode);
    if (ps?.arc === a.id) down.set(a.id, drainsAt(a.endNode));
    else if (pe?.arc === a.id) down.set(a.id, drainsAt(a.startNode));
    else {
      // Flow can leave its upper node by this arc or by the node's own way down: a fork.
      role.set(a.id, 'side');
      const ds = second.dist.get(a.startNode) ?? Infinity, de = second.dist.get(a.endNode) ?? Infinity;
      const [upper, lower] = ds >= de ? [a.startNode, a.endNode] : [a.endNode, a.startNode];
      down.set(a.id, drainsAt(lower));
      forks.push(judgeFork(a, upper, lower, second, flowAtNode, byId));
    }
  }
  return { down, role, piece, outlets, forks, banks, rings, water, unreached };
}

interface Parent { arc: number | null; via?: number }
interface Tree { dist: Map<number, number>; parent: Map<number, Parent> }
interface Seed { arc: number; nodes: number[]; dist: number }

function seedOf(a: Arc, free: number): Seed {
  return { arc: a.id, nodes: [free === a.startNode ? a.endNode : a.startNode], dist: a.lengthM };
}

/** Dijkstra by river length from the outlets: each node drains by the arc it was reached through. */
function shortestTree(graph: Arc[], atNode: Map<number, Arc[]>, seeds: Seed[], lateral: Map<number, { to: number; m: number }>): Tree {
  const dist = new Map<number, number>();
  const parent = new Map<number, Parent>();
  const heap = new MinHeap();
  for (const s of seeds) {
    for (const n of s.nodes) {
      if ((dist.get(n) ?? Infinity) > s.dist) {
        dist.set(n, s.dist);
        parent.set(n, { arc: s.arc });
        heap.push(s.dist, n);
      }
    }
  }
  const lateralFrom = new Map<number, { from: number; m: number }[]>();
  for (const [from, l] of lateral) push(lateralFrom, l.to, { from, m: l.m });
  const done = new Set<number>();
  while (heap.size > 0) {
    const [d, n] = heap.pop()!;
    if (done.has(n) || d > (dist.get(n) ?? Infinity)) continue;
    done.add(n);
    for (const a of atNode.get(n) ?? []) {
      const other = a.startNode === n ? a.endNode : a.startNode;
      const nd = d + a.lengthM;
      if (nd < (dist.get(other) ?? Infinity)) {
        dist.set(other, nd);
        parent.set(other, { arc: a.id });
        heap.push(nd, other);
      }
    }
    for (const l of lateralFrom.get(n) ?? []) {
      const nd = d + l.m;
      if (nd < (dist.get(l.from) ?? Infinity)) {
        dist.set(l.from, nd);
        parent.set(l.from, { arc: null, via: n });
        heap.push(nd, l.from);
      }
    }
  }
  void graph;
  return { dist, parent };
}

function isSide(a: Arc, parent: Map<number, Parent>): boolean {
  return parent.has(a.startNode) && parent.has(a.endNode) && parent.get(a.startNode)!.arc !== a.id && parent.get(a.endNode)!.arc !== a.id;
}

/** The ring an arc outside the tree closes: the two tree paths from its ends down to where they meet. */
function cycleThrough(x: Arc, parent: Map<number, Parent>, byId: Map<number, Arc>): { uChain: number[]; vChain: number[]; bottom: number } | null {
  const chainFrom = (start: number) => {
    const nodes = [start];
    const arcs: number[] = [];
    let n = start;
    for (let guard = 0; guard < 100_000; guard++) {
      const p = parent.get(n);
      if (!p || p.arc === null) break;
      const a = byId.get(p.arc)!;
      const next = a.startNode === n ? a.endNode : a.startNode;
      if (arcs.includes(a.id) || next === n) break;
      arcs.push(a.id);
      nodes.push(next);
      if (parent.get(next)?.arc === a.id) break; // the outlet arc: both its ends point at it
      n = next;
    }
    return { nodes, arcs };
  };
  const u = chainFrom(x.startNode), v = chainFrom(x.endNode);
  const inV = new Map(v.nodes.map((n, i) => [n, i]));
  const iu = u.nodes.findIndex((n) => inV.has(n));
  if (iu < 0) return null; // the two ends reach the sea by different ways: a fork between outlets
  const iv = inV.get(u.nodes[iu]!)!;
  return { uChain: u.arcs.slice(0, iu), vChain: v.arcs.slice(0, iv), bottom: u.nodes[iu]! };
}

function ringCoordinates(x: Arc, loop: { uChain: number[]; vChain: number[] }, byId: Map<number, Arc>): [number, number][] {
  // x from its start (u) to its end (v), then v's chain down to the bottom, then u's chain back up.
  const ring: [number, number][] = [...x.xy];
  let node = x.endNode;
  for (const id of loop.vChain) {
    const a = byId.get(id)!;
    const pts = a.startNode === node ? a.xy : [...a.xy].reverse();
    ring.push(...pts);
    node = a.startNode === node ? a.endNode : a.startNode;
  }
  const back: [number, number][] = [];
  node = x.startNode;
  for (const id of loop.uChain) {
    const a = byId.get(id)!;
    const pts = a.startNode === node ? a.xy : [...a.xy].reverse();
    back.push(...pts);
    node = a.startNode === node ? a.endNode : a.startNode;
  }
  ring.push(...back.reverse());
  return ring;
}

function sharesName(a: number[], b: number[], byId: Map<number, Arc>): boolean {
  const names = (chain: number[]) => new Set(chain.map((id) => byId.get(id)!.name).filter((n): n is string => !!n));
  const na = names(a), nb = names(b);
  if (na.size === 0 || nb.size === 0) return true;
  return [...na].some((n) => nb.has(n));
}

/** A short arc whose two ends each continue into one line, both heading the same way: a mouth closed by the coast. */
function isMouthClosure(a: Arc, atNode: Map<number, Arc[]>, maxM: number): boolean {
  if (a.lengthM > maxM) return false;
  const ends = [a.startNode, a.endNode];
  if (ends.some((n) => (atNode.get(n)?.length ?? 0) !== 2)) return false;
  const heading = (n: number, p: [number, number]) => {
    const other = atNode.get(n)!.find((b) => b.id !== a.id)!;
    const pts = other.startNode === n ? other.xy : [...other.xy].reverse();
    const q = pointAlong(pts, Math.min(2000, other.lengthM / 2));
    return [q[0] - p[0], q[1] - p[1]] as const;
  };
  const h1 = heading(a.startNode, a.xy[0]!), h2 = heading(a.endNode, a.xy.at(-1)!);
  const cos = (h1[0] * h2[0] + h1[1] * h2[1]) / (Math.hypot(...h1) * Math.hypot(...h2) || 1);
  return cos >= Math.cos((MOUTH_MAX_ANGLE_DEG * Math.PI) / 180);
}

function judgeFork(a: Arc, upper: number, lower: number, tree: Tree, atNode: Map<number, Arc[]>, byId: Map<number, Arc>): Fork {
  const keptId = tree.parent.get(upper)?.arc ?? null;
  const kept = keptId === null ? null : byId.get(keptId) ?? null;
  const incoming = (atNode.get(upper) ?? []).filter((b) => b.id !== a.id && b.id !== keptId).map((b) => b.name).filter(Boolean);
  const viaKept = tree.dist.get(upper) ?? Infinity;
  const viaThis = a.lengthM + (tree.dist.get(lower) ?? Infinity);
  if (kept?.name && incoming.includes(kept.name) && a.name !== kept.name) {
    return { reach: a.id, kept: keptId, resolvedBy: 'name', note: `flow follows ${kept.name}, the name of the river arriving` };
  }
  if (viaThis > OUTLET_RATIO * viaKept) {
    return { reach: a.id, kept: keptId, resolvedBy: 'outlet', note: `the kept branch reaches an outlet in ${Math.round(viaKept / 1000)} km, this one in ${Math.round(viaThis / 1000)} km` };
  }
  return { reach: a.id, kept: keptId, resolvedBy: null, note: 'ambiguous: names and the ways to the outlet do not tell which branch carries the flow' };
}

function piecesOf(arcs: Arc[], graph: Arc[], atNode: Map<number, Arc[]>): Map<number, number> {
  const piece = new Map<number, number>();
  let next = 0;
  for (const a of graph) {
    if (piece.has(a.id)) continue;
    const id = next++;
    const stack = [a];
    piece.set(a.id, id);
    while (stack.length) {
      const x = stack.pop()!;
      for (const n of [x.startNode, x.endNode]) {
        for (const y of atNode.get(n) ?? []) {
          if (!piece.has(y.id)) {
            piece.set(y.id, id);
            stack.push(y);
          }
        }
      }
    }
  }
  for (const a of arcs) if (!piece.has(a.id)) piece.set(a.id, next++);
  return piece;
}

function pointAlong(pts: [number, number][], m: number): [number, number] {
  let left = m;
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1]!, [x1, y1] = pts[i]!;
    const d = Math.hypot(x1 - x0, y1 - y0);
    if (d >= left && d > 0) return [x0 + ((x1 - x0) * left) / d, y0 + ((y1 - y0) * left) / d];
    left -= d;
  }
  return pts.at(-1)!;
}

function shoelace(ring: [number, number][]): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i]!, [x1, y1] = ring[(i + 1) % ring.length]!;
    s += x0 * y1 - x1 * y0;
  }
  return s / 2;
}

function perimeter(ring: [number, number][]): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i]!, [x1, y1] = ring[(i + 1) % ring.length]!;
    s += Math.hypot(x1 - x0, y1 - y0);
  }
  return s || 1;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

class MinHeap {
  private items: [number, number][] = [];
  get size(): number {
    return this.items.length;
  }
  push(key: number, value: number): void {
    const a = this.items;
    a.push([key, value]);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]![0] <= a[i]![0]) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): [number, number] | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && a[l]![0] < a[m]![0]) m = l;
        if (r < a.length && a[r]![0] < a[m]![0]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
