import type pg from 'pg';
import { refreshWith, type IndexReport } from './network-index.ts';
import { inTransaction } from '../db/transaction.ts';
import { orientAutomatically, type Arc, type BankStretch, type Fork, type FoundOutlet } from './auto-direction.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in build-network.sql beside it.
const FIXED_SQL = loadStatements(new URL('./build-network.sql', import.meta.url), ['build_river_network_insert_network_report', 'build_with_select_river_reach', 'update_river_reach', 'select_network_reach', 'tree_issues_select_network_reach', 'outlet_ids_select_network_reach']);

export type DirectionSource = 'auto' | 'stored' | 'attribute' | 'outlet';

export interface BuildOptions {
  /**
   * Where flow direction comes from: 'stored' keeps river_reach.downstream_id as imported;
   * 'attribute' takes each line as digitised from its from-node to its to-node; 'outlet' orients
   * every reach towards the declared outlets (breadth-first over the snapped graph); 'auto'
   * finds the outlets itself (mouths closed by the coast, else the free end agreeing best
   * with the digitising; declared outlets override it piece by piece), keeps one bank of a
   * double-line river and leaves island rings off the flow (auto-direction.ts).
   */
  direction: DirectionSource;
  /** 'auto': reach ids that are not outlets although they look like a mouth. */
  notOutlets?: number[];
  /** 'auto': widest a double-line river may be (metres). Default 3000. */
  maxBankWidthM?: number;
  /** Endpoints closer than this (metres) are one node. Default 50. */
  toleranceM?: number;
  /** Free ends farther than the tolerance but within this of another end are reported as gaps. Default 20 × tolerance. */
  gapSearchM?: number;
  /** Outlet reach ids: required for 'outlet'; elsewhere, pieces without one are reported as dangling. */
  outlets?: number[];
}

export interface Piece {
  reaches: number;
  /** First reach ids of the piece (up to 20). */
  sample: number[];
  /** The piece has a free end on the edge of the data's extent: likely cut off by the clip, not broken. */
  atEdge: boolean;
}

export interface NetworkReport {
  direction: DirectionSource;
  /** What the build was asked (direction, declared outlets, overrides, tolerances): a rebuild after an import repeats it. */
  options: BuildOptions;
  toleranceM: number;
  reaches: number;
  nodes: number;
  outlets: number[];
  /** Reaches whose two ends snap to one node (an arc that starts and ends on one node). */
  selfLoops: number[];
  /** Loops in the flow graph (reach ids in flow order), self-loops included. */
  cycles: number[][];
  /** Connected pieces with no declared outlet (or, without declared outlets, all but the largest). */
  danglingPieces: Piece[];
  /** Reaches that drain to no outlet. */
  noOutlet: number[];
  /** Free ends within gapSearchM of another reach's end but beyond the tolerance. */
  gaps: { reachA: number; reachB: number; distanceM: number }[];
  /** Nodes where flow leaves by more than one reach (attribute direction): the lowest id is kept. */
  bifurcations: { reaches: number[]; kept: number }[];
  index: IndexReport;
  /** 'auto' only: what was found, each reach with its river name. */
  auto?: AutoReport;
  /** Names of the reaches this report mentions (id → name, null when unnamed). */
  reachNames: Record<string, string | null>;
  /** Per outlet tree: what may make a trace over it incomplete (read by the traces). */
  issuesByOutlet: Record<string, TreeIssues>;
  /** Reaches kept off the flow: not indexed, not linked to (second banks, island rings, unreached). */
  offFlow: number[];
  /** The water between double-line banks (GeoJSON MultiPolygon, degrees), or null. */
  water: { type: 'MultiPolygon'; coordinates: number[][][][] } | null;
}

export interface AutoReport {
  outlets: (FoundOutlet & { name: string | null })[];
  forks: (Fork & { name: string | null })[];
  /** Forks neither names nor the way to the outlet resolve. */
  ambiguousForks: number[];
  banks: BankStretch[];
  islandRings: number[];
  unreached: number[];
  maxBankWidthM: number;
}

export interface TreeIssues {
  /** The outlet was guessed from a free end, not found at a mouth or declared. */
  guessedOutlet: boolean;
  ambiguousForks: number[];
  /** Reaches of the same connected piece that reach no outlet. */
  unreached: number;
  cycles: number;
}

export class NetworkBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkBuildError';
  }
}

/**
 * Builds the directed reach graph from the stored river lines, writes downstream_id (unless
 * 'stored'), refreshes the pre-order index and stores the report. One transaction.
 */
export async function buildRiverNetwork(pool: pg.Pool, options: BuildOptions): Promise<NetworkReport> {
  return inTransaction(pool, async (client) => {
    const report = await buildWith(client, options);
    await client.query(
      FIXED_SQL.build_river_network_insert_network_report, [JSON.stringify(report)]);
    return report;
  });
}

interface Reach {
  id: number;
  down: number | null;
  sx: number; sy: number; ex: number; ey: number;
  startNode: number;
  endNode: number;
}

async function buildWith(client: pg.PoolClient, options: BuildOptions): Promise<NetworkReport> {
  const toleranceM = options.toleranceM ?? 50;
  const gapSearchM = options.gapSearchM ?? toleranceM * 20;
  if (!(toleranceM >= 0) || !(gapSearchM >= toleranceM)) throw new NetworkBuildError('toleranceM must be ≥ 0 and gapSearchM ≥ toleranceM');
  const auto = options.direction === 'auto';
  const { rows } = await client.query<{ id: string; down: string | null; name: string | null; sx: number; sy: number; ex: number; ey: number; gj: string | null }>(
    FIXED_SQL.build_with_select_river_reach, [auto]);
  const reaches: Reach[] = rows.map((r) => ({ id: Number(r.id), down: r.down === null ? null : Number(r.down), sx: r.sx, sy: r.sy, ex: r.ex, ey: r.ey, startNode: -1, endNode: -1 }));
  const names = new Map(rows.map((r) => [Number(r.id), r.name]));
  const byId = new Map(reaches.map((r) => [r.id, r]));
  const outlets = [...new Set(options.outlets ?? [])];
  for (const id of outlets) if (!byId.has(id)) throw new NetworkBuildError(`declared outlet reach ${id} does not exist`);
  if (options.direction === 'outlet' && outlets.length === 0) throw new NetworkBuildError(`direction 'outlet' needs at least one declared outlet reach id`);

  const meters = localMeters(reaches);
  const nodeCount = snapEndpoints(reaches, meters, toleranceM);
  const selfLoops = reaches.filter((r) => r.startNode === r.endNode).map((r) => r.id);
  const bifurcations: NetworkReport['bifurcations'] = [];
  const offFlow = new Set<number>();
  let autoReport: AutoReport | undefined;
  let water: NetworkReport['water'] = null;
  let guessed = new Set<number>();
  let pieceOf = new Map<number, number>();

  if (auto) {
    const arcs: Arc[] = reaches.map((r, i) => {
      const coords = JSON.parse(rows[i]!.gj!).coordinates as [number, number][];
      const xy = coords.map(([x, y]) => [x * meters.kx, y * meters.ky] as [number, number]);
      let lengthM = 0;
      for (let k = 1; k < xy.length; k++) lengthM += Math.hypot(xy[k]![0] - xy[k - 1]![0], xy[k]![1] - xy[k - 1]![1]);
      return { id: r.id, name: names.get(r.id) ?? null, startNode: r.startNode, endNode: r.endNode, xy, lengthM };
    });
    for (const id of options.notOutlets ?? []) if (!byId.has(id)) throw new NetworkBuildError(`reach ${id} given as not an outlet does not exist`);
    const result = orientAutomatically(arcs, { outlets, notOutlets: options.notOutlets, maxBankWidthM: options.maxBankWidthM });
    for (const r of reaches) r.down = result.down.get(r.id) ?? null;
    for (const [id, role] of result.role) if (role === 'bank' || role === 'ring' || role === 'unreached') offFlow.add(id);
    const named = <T extends { reach: number }>(x: T) => ({ ...x, name: names.get(x.reach) ?? null });
    autoReport = {
      outlets: result.outlets.map(named),
      forks: result.forks.map(named),
      ambiguousForks: result.forks.filter((f) => f.resolvedBy === null).map((f) => f.reach).sort((a, b) => a - b),
      banks: result.banks,
      islandRings: [...result.rings].sort((a, b) => a - b),
      unreached: [...result.unreached].sort((a, b) => a - b),
      maxBankWidthM: options.maxBankWidthM ?? 3000,
    };
    guessed = new Set(result.outlets.filter((o) => o.how === 'free-end').map((o) => o.reach));
    pieceOf = result.piece;
    if (result.water.length > 0) {
      water = { type: 'MultiPolygon', coordinates: result.water.map((ring) => [[...ring, ring[0]!].map(([x, y]) => [x / meters.kx, y / meters.ky])]) };
    }
  } else if (options.direction === 'attribute') {
    const leaving = new Map<number, number[]>();
    for (const r of reaches) push(leaving, r.startNode, r.id);
    for (const r of reaches) {
      const next = (leaving.get(r.endNode) ?? []).filter((id) => id !== r.id);
      r.down = next[0] ?? null;
      if (next.length > 1) bifurcations.push({ reaches: next, kept: next[0]! });
    }
  } else if (options.direction === 'outlet') {
    orientTowardsOutlets(reaches, outlets);
  }
  const uniqueBifurcations = [...new Map(bifurcations.map((b) => [b.reaches.join(','), b])).values()];

  if (options.direction !== 'stored') {
    const BATCH = 5000;
    for (let i = 0; i < reaches.length; i += BATCH) {
      const part = reaches.slice(i, i + BATCH);
      await client.query(
        FIXED_SQL.update_river_reach,
        [part.map((r) => r.id), part.map((r) => r.down)]);
    }
  }
  const index = await refreshWith(client, offFlow);

  const pieces = connectedPieces(reaches);
  const extent = extentOf(reaches);
  const degree = new Map<number, number>();
  for (const r of reaches) {
    degree.set(r.startNode, (degree.get(r.startNode) ?? 0) + 1);
    degree.set(r.endNode, (degree.get(r.endNode) ?? 0) + 1);
  }
  const outletSet = new Set(outlets);
  const largest = pieces.reduce((a, b) => (b.length > a.length ? b : a), [] as Reach[]);
  const dangling = auto
    ? pieces.filter((p) => p.every((r) => offFlow.has(r.id)) && p.some((r) => autoReport!.unreached.includes(r.id)))
    : pieces.filter((p) => (outletSet.size > 0 ? !p.some((r) => outletSet.has(r.id)) : p !== largest));
  const edgeM = Math.max(toleranceM * 2, 200);
  const danglingPieces: Piece[] = dangling.map((p) => ({
    reaches: p.length,
    sample: p.map((r) => r.id).sort((a, b) => a - b).slice(0, 20),
    atEdge: p.some((r) => (degree.get(r.startNode) === 1 && nearEdge(r.sx, r.sy, extent, meters, edgeM))
      || (degree.get(r.endNode) === 1 && nearEdge(r.ex, r.ey, extent, meters, edgeM))),
  })).sort((a, b) => b.reaches - a.reaches || a.sample[0]! - b.sample[0]!);

  // With declared outlets, a chain ending at any other sink reaches no outlet either.
  const noOutlet = new Set([...index.noOutlet, ...(autoReport?.unreached ?? [])]);
  if (outletSet.size > 0 && !auto) {
    const { rows: stray } = await client.query<{ reach_id: string }>(
      FIXED_SQL.select_network_reach, [outlets]);
    for (const r of stray) noOutlet.add(Number(r.reach_id));
  }
  // Island rings are no cycles once 'auto' keeps them off the flow.
  const selfLoopCycles = auto ? [] : selfLoops.filter((id) => !index.cycles.some((c) => c.length === 1 && c[0] === id)).map((id) => [id]);
  const cycles = [...index.cycles, ...selfLoopCycles].sort((a, b) => a[0]! - b[0]!);
  const issuesByOutlet = await treeIssues(client, { auto: autoReport, guessed, pieceOf, cycles, noOutlet: [...noOutlet], reaches });
  const gaps = findGaps(reaches, degree, meters, toleranceM, gapSearchM);
  const mentioned = new Set<number>([...selfLoops, ...cycles.flat(), ...noOutlet, ...uniqueBifurcations.flatMap((b) => b.reaches),
    ...gaps.flatMap((g) => [g.reachA, g.reachB]), ...(autoReport ? [...autoReport.outlets.map((o) => o.reach), ...autoReport.forks.flatMap((f) => [f.reach, f.kept ?? f.reach]), ...autoReport.banks.flatMap((b) => [...b.kept, ...b.dropped])] : [])]);
  return {
    direction: options.direction,
    options,
    toleranceM,
    reaches: reaches.length,
    nodes: nodeCount,
    outlets: index.outlets > 0 ? await outletIds(client) : [],
    selfLoops,
    cycles,
    danglingPieces,
    noOutlet: [...noOutlet].sort((a, b) => a - b),
    gaps,
    bifurcations: uniqueBifurcations,
    index,
    ...(autoReport ? { auto: autoReport } : {}),
    reachNames: Object.fromEntries([...mentioned].sort((a, b) => a - b).map((id) => [String(id), names.get(id) ?? null])),
    issuesByOutlet,
    offFlow: [...offFlow].sort((a, b) => a - b),
    water,
  };
}

/**
 * What may make a trace over each outlet's tree incomplete: an outlet that was only guessed,
 * ambiguous forks inside the tree, and reaches of the same connected piece that reach no outlet
 * or run in a loop (their sources drain somewhere the trace cannot see).
 */
async function treeIssues(client: pg.PoolClient, x: {
  auto: AutoReport | undefined; guessed: Set<number>; pieceOf: Map<number, number>; cycles: number[][]; noOutlet: number[]; reaches: Reach[];
}): Promise<Record<string, TreeIssues>> {
  const { rows } = await client.query<{ reach_id: string; outlet_id: string }>(FIXED_SQL.tree_issues_select_network_reach);
  const outletOf = new Map(rows.map((r) => [Number(r.reach_id), Number(r.outlet_id)]));
  // Without 'auto' the pieces come from the snapped nodes.
  let pieceOf = x.pieceOf;
  if (pieceOf.size === 0) {
    pieceOf = new Map();
    connectedPieces(x.reaches).forEach((p, i) => { for (const r of p) pieceOf.set(r.id, i); });
  }
  const out: Record<string, TreeIssues> = {};
  const outletsOfPiece = new Map<number, Set<number>>();
  for (const [reach, outlet] of outletOf) {
    out[String(outlet)] ??= { guessedOutlet: x.guessed.has(outlet), ambiguousForks: [], unreached: 0, cycles: 0 };
    const p = pieceOf.get(reach);
    if (p !== undefined) {
      const set = outletsOfPiece.get(p) ?? new Set();
      set.add(outlet);
      outletsOfPiece.set(p, set);
    }
  }
  for (const id of x.auto?.ambiguousForks ?? []) {
    const outlet = outletOf.get(id);
    if (outlet !== undefined) out[String(outlet)]!.ambiguousForks.push(id);
  }
  for (const id of x.noOutlet) for (const o of outletsOfPiece.get(pieceOf.get(id) ?? -1) ?? []) out[String(o)]!.unreached++;
  for (const c of x.cycles) for (const o of outletsOfPiece.get(pieceOf.get(c[0]!) ?? -1) ?? []) out[String(o)]!.cycles++;
  return out;
}

async function outletIds(client: pg.PoolClient): Promise<number[]> {
  const { rows } = await client.query<{ id: string }>(FIXED_SQL.outlet_ids_select_network_reach);
  return rows.map((r) => Number(r.id));
}

/** Degrees to local metres (equirectangular at the data's mean latitude): fine for snapping distances. */
interface Meters { kx: number; ky: number }
function localMeters(reaches: Reach[]): Meters {
  const lat = reaches.length ? reaches.reduce((s, r) => s + r.sy + r.ey, 0) / (2 * reaches.length) : 0;
  return { kx: 111_320 * Math.cos((lat * Math.PI) / 180), ky: 110_574 };
}

/** Union-find over all endpoints within the tolerance; assigns startNode/endNode, returns the node count. */
function snapEndpoints(reaches: Reach[], m: Meters, toleranceM: number): number {
  const n = reaches.length * 2;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const xy = (i: number): [number, number] => {
    const r = reaches[i >> 1]!;
    return i & 1 ? [r.ex * m.kx, r.ey * m.ky] : [r.sx * m.kx, r.sy * m.ky];
  };
  const cell = Math.max(toleranceM, 1e-3);
  const grid = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const [x, y] = xy(i);
    const cx = Math.floor(x / cell), cy = Math.floor(y / cell);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of grid.get(`${cx + dx}:${cy + dy}`) ?? []) {
          const [x2, y2] = xy(j);
          if (Math.hypot(x - x2, y - y2) <= toleranceM) parent[find(i)] = find(j);
        }
      }
    }
    push(grid, `${cx}:${cy}`, i);
  }
  const ids = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    if (!ids.has(root)) ids.set(root, ids.size);
    const r = reaches[i >> 1]!;
    if (i & 1) r.endNode = ids.get(root)!;
    else r.startNode = ids.get(root)!;
  }
  return ids.size;
}

/** Breadth-first from the outlets: each reach drains into the reach it was reached from. */
function orientTowardsOutlets(reaches: Reach[], outlets: number[]): void {
  const atNode = new Map<number, Reach[]>();
  for (const r of reaches) {
    push(atNode, r.startNode, r);
    if (r.endNode !== r.startNode) push(atNode, r.endNode, r);
    r.down = null;
  }
  const seen = new Set<number>();
  const queue: { reach: Reach; upNode: number }[] = [];
  for (const id of outlets) {
    const r = reaches.find((x) => x.id === id)!;
    // The outlet's mouth is its free end; its other end is where the rest of the network joins.
    const startFree = (atNode.get(r.startNode) ?? []).length === 1;
    const endFree = (atNode.get(r.endNode) ?? []).length === 1;
    const mouth = endFree || !startFree ? r.endNode : r.startNode;
    seen.add(r.id);
    queue.push({ reach: r, upNode: mouth === r.endNode ? r.startNode : r.endNode });
  }
  for (let q = 0; q < queue.length; q++) {
    const { reach, upNode } = queue[q]!;
    for (const next of atNode.get(upNode) ?? []) {
      if (seen.has(next.id)) continue;
      seen.add(next.id);
      next.down = reach.id;
      queue.push({ reach: next, upNode: next.startNode === upNode ? next.endNode : next.startNode });
    }
  }
  // Reaches not reached from any outlet keep no downstream; they show up as dangling pieces.
}

function connectedPieces(reaches: Reach[]): Reach[][] {
  const atNode = new Map<number, Reach[]>();
  for (const r of reaches) {
    push(atNode, r.startNode, r);
    push(atNode, r.endNode, r);
  }
  const seen = new Set<number>();
  const pieces: Reach[][] = [];
  for (const r of reaches) {
    if (seen.has(r.id)) continue;
    const piece: Reach[] = [];
    const stack = [r];
    seen.add(r.id);
    while (stack.length) {
      const x = stack.pop()!;
      piece.push(x);
      for (const node of [x.startNode, x.endNode]) {
        for (const y of atNode.get(node) ?? []) {
          if (!seen.has(y.id)) {
            seen.add(y.id);
            stack.push(y);
          }
        }
      }
    }
    pieces.push(piece);
  }
  return pieces;
}

function findGaps(reaches: Reach[], degree: Map<number, number>, m: Meters, toleranceM: number, gapSearchM: number): NetworkReport['gaps'] {
  type End = { reach: number; node: number; x: number; y: number; free: boolean };
  const ends: End[] = [];
  for (const r of reaches) {
    ends.push({ reach: r.id, node: r.startNode, x: r.sx * m.kx, y: r.sy * m.ky, free: degree.get(r.startNode) === 1 });
    ends.push({ reach: r.id, node: r.endNode, x: r.ex * m.kx, y: r.ey * m.ky, free: degree.get(r.endNode) === 1 });
  }
  const cell = Math.max(gapSearchM, 1e-3);
  const grid = new Map<string, End[]>();
  for (const e of ends) push(grid, `${Math.floor(e.x / cell)}:${Math.floor(e.y / cell)}`, e);
  const found = new Map<string, { reachA: number; reachB: number; distanceM: number }>();
  for (const e of ends) {
    if (!e.free) continue;
    const cx = Math.floor(e.x / cell), cy = Math.floor(e.y / cell);
    let best: { other: End; d: number } | null = null;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const o of grid.get(`${cx + dx}:${cy + dy}`) ?? []) {
          if (o.node === e.node || o.reach === e.reach) continue;
          const d = Math.hypot(e.x - o.x, e.y - o.y);
          if (d > toleranceM && d <= gapSearchM && (!best || d < best.d)) best = { other: o, d };
        }
      }
    }
    if (best) {
      const [a, b] = e.reach < best.other.reach ? [e.reach, best.other.reach] : [best.other.reach, e.reach];
      const key = `${a}:${b}`;
      if (!found.has(key)) found.set(key, { reachA: a, reachB: b, distanceM: Math.round(best.d * 10) / 10 });
    }
  }
  return [...found.values()].sort((x, y) => x.reachA - y.reachA || x.reachB - y.reachB);
}

interface Extent { minX: number; minY: number; maxX: number; maxY: number }
function extentOf(reaches: Reach[]): Extent {
  const e = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const r of reaches) {
    e.minX = Math.min(e.minX, r.sx, r.ex); e.maxX = Math.max(e.maxX, r.sx, r.ex);
    e.minY = Math.min(e.minY, r.sy, r.ey); e.maxY = Math.max(e.maxY, r.sy, r.ey);
  }
  return e;
}

function nearEdge(x: number, y: number, e: Extent, m: Meters, edgeM: number): boolean {
  return (x - e.minX) * m.kx <= edgeM || (e.maxX - x) * m.kx <= edgeM || (y - e.minY) * m.ky <= edgeM || (e.maxY - y) * m.ky <= edgeM;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
