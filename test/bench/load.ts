/**
 * npm run load — a bounded load test of the real server on loopback, mixing the requests of the
 * map and the review desk: vector tiles (with and without filters), search, statistics of a
 * view, the review list and review actions (accept / field check with the row version seen).
 *
 * It starts `server/main.ts` as a child process on 127.0.0.1, on the embedded engine (a temporary
 * data folder) or on a real PostgreSQL (DATABASE_URL / --database-url, schema --schema), with the
 * demo region of --sources sources. It signs in as admin (YZT_ADMIN_PASSWORD is set for the
 * child), creates a reviewer through POST /api/users and acts as it; it makes sure a review run
 * has finished, then sends requests from --connections concurrent loops, each picking a kind by
 * weight, until --duration seconds have passed or --max-requests were sent. Per kind it prints
 * requests, 2xx, intended 4xx (409 for a stale row version), errors (any other 4xx/5xx, network
 * errors, timeouts), p50 and p99; and the child's memory (VmRSS / VmHWM from /proc) before and
 * after the run, with samples in between. It exits 1 when there was any unintended error.
 *
 *   npm run load -- --duration 30 --sources 20000                         # embedded, small demo
 *   npm run load -- --engine postgres --database-url postgres://…/db --schema yzt_load --reuse --duration 600
 *
 * --reuse keeps the schema (and, on the embedded engine, --data-dir) as it is, so a second run
 * does not load the demo again; without it the schema is dropped first. Only 127.0.0.1 is used.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { tileAt } from '../../tiles/tile-address.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REGION = { west: 112.9, south: 22.2, east: 113.9, north: 23.1 };
const KINDS = ['tile', 'tile_filtered', 'search', 'stats', 'review_list', 'review_action'] as const;
type Kind = (typeof KINDS)[number];
const WEIGHTS: Record<Kind, number> = { tile: 25, tile_filtered: 15, search: 15, stats: 15, review_list: 15, review_action: 15 };

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '8' },
    'max-requests': { type: 'string', default: '1000000' },
    engine: { type: 'string' },
    'database-url': { type: 'string' },
    schema: { type: 'string', default: 'yzt_load' },
    sources: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'admin-password': { type: 'string', default: 'load-admin-password-0123' },
    'timeout-ms': { type: 'string', default: '30000' },
    'setup-timeout-s': { type: 'string', default: '3600' },
    'sample-s': { type: 'string', default: '60' },
    seed: { type: 'string', default: '7' },
  },
  strict: true,
});

const duration = positive('duration');
const connections = positive('connections');
const maxRequests = positive('max-requests');
const timeoutMs = positive('timeout-ms');
const setupTimeoutMs = positive('setup-timeout-s') * 1000;
const sampleMs = positive('sample-s') * 1000;
const databaseUrl = opts['database-url'] ?? process.env.DATABASE_URL;
const engine = opts.engine ?? (databaseUrl ? 'postgres' : 'embedded');
if (engine !== 'embedded' && engine !== 'postgres') fail(`--engine must be embedded or postgres, not "${engine}"`);
if (engine === 'postgres' && !databaseUrl) fail('--engine postgres needs --database-url or DATABASE_URL');
const schema = opts.schema!;
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) fail(`--schema must be a plain lower-case identifier, not "${schema}"`);
const sources = Number(opts.sources ?? 600_000);
if (!Number.isInteger(sources) || sources < 100) fail('--sources must be an integer of at least 100');

function positive(name: keyof typeof opts): number {
  const n = Number(opts[name]);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, not "${opts[name]}"`);
  return n;
}

function fail(message: string): never {
  console.error(`load: ${message}`);
  process.exit(2);
}

/** A small seeded generator, so two runs send the same mix. */
let state = Number(opts.seed) >>> 0 || 7;
function random(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (a: number, b: number) => a + random() * (b - a);

// ---------------------------------------------------------------------------------------------
// The server as a child process

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startChild(env: Record<string, string | undefined>): Promise<Child> {
  const port = await freePort();
  // Warnings only: request logs would cost the server as much CPU as some of the requests.
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env })) if (v !== undefined) childEnv[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  // Serving starts once the demo is loaded; on a fresh 600k database that takes minutes.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before serving:\n${out}`);
    if (Date.now() - started > setupTimeoutMs) throw new Error(`server did not serve within ${setupTimeoutMs / 1000} s:\n${out}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(1_000);
  }
  return {
    process: child,
    url,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Setup: accounts, a finished review run, findings and search terms

async function call(base: string, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(120_000) });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

async function login(base: string, username: string, password: string): Promise<string> {
  const r = await call(base, 'POST', '/api/auth/login', null, { username, password });
  if (r.status !== 200) throw new Error(`login as ${username}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.token as string;
}

interface Finding {
  id: number;
  sourceId: number | null;
}

async function ensureReviewRun(base: string, token: string): Promise<void> {
  const latest = await call(base, 'GET', '/api/review/runs/latest', token);
  let runId: number;
  if (latest.status === 200 && latest.json.status === 'done') {
    console.log(`review run ${latest.json.runId} already done (${latest.json.findings} findings)`);
    return;
  }
  if (latest.status === 200 && latest.json.status === 'running') {
    runId = latest.json.runId;
  } else {
    const started = await call(base, 'POST', '/api/review/run', token, {});
    if (started.status === 409) runId = started.json.details?.runId;
    else if (started.status !== 202) throw new Error(`POST /api/review/run: ${started.status} ${JSON.stringify(started.json)}`);
    else runId = started.json.runId;
  }
  const t0 = Date.now();
  for (;;) {
    const r = await call(base, 'GET', `/api/review/runs/${runId}`, token);
    if (r.status !== 200) throw new Error(`GET /api/review/runs/${runId}: ${r.status} ${JSON.stringify(r.json)}`);
    if (r.json.status === 'done') {
      console.log(`review run ${runId} done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${r.json.findings} findings`);
      return;
    }
    if (r.json.status === 'failed') throw new Error(`review run ${runId} failed: ${JSON.stringify(r.json)}`);
    if (Date.now() - t0 > setupTimeoutMs) throw new Error(`review run ${runId} not done within ${setupTimeoutMs / 1000} s`);
    await sleep(2_000);
  }
}

// ---------------------------------------------------------------------------------------------
// Request kinds

interface Planned {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  /** Statuses that are the intended answer though not 2xx (a stale row version: 409). */
  readonly intended?: readonly number[];
  readonly after?: (status: number, json: any) => void;
}

const TILE_FILTERS = ['type=industrial', 'type=agricultural,domestic', 'pollutant=cod&min=1', 'pollutant=nox&min=0', 'industry=33', 'industry=2', 'type=industrial&pollutant=so2&min=0.5'];
const STAT_FILTERS = ['', '', '&type=industrial', '&pollutant=cod', '&industry=26'];
const REVIEW_QUERIES = ['status=open', 'status=open&severity=error', 'check=outside_declared_zone,gcj02_as_wgs84', 'sort=distance', 'sort=census_id', 'status=accepted,field_check', 'severity=warning&sort=division', ''];

function planner(state: { findings: Finding[]; versions: Map<number, number | null>; terms: string[]; divisions: string[] }) {
  const randomView = (maxSpan: number) => {
    const span = between(0.01, maxSpan);
    const x = between(REGION.west, REGION.east - span);
    const y = between(REGION.south, REGION.north - span);
    return [x, y, x + span, y + span].map((v) => v.toFixed(5)).join(',');
  };
  const tilePath = () => {
    const z = 8 + Math.floor(random() * 7);
    const t = tileAt(between(REGION.west, REGION.east), between(REGION.south, REGION.north), z);
    return `/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`;
  };
  return (kind: Kind): Planned => {
    switch (kind) {
      case 'tile':
        return { method: 'GET', path: tilePath() };
      case 'tile_filtered':
        return { method: 'GET', path: `${tilePath()}?${pick(TILE_FILTERS)}` };
      case 'search':
        return { method: 'GET', path: `/api/explore/search?q=${encodeURIComponent(pick(state.terms))}&limit=20` };
      case 'stats': {
        const division = random() < 0.2 && state.divisions.length ? `&division=${pick(state.divisions)}` : '';
        return { method: 'GET', path: `/api/explore/stats?bbox=${randomView(random() < 0.2 ? 1 : 0.2)}${pick(STAT_FILTERS)}${division}` };
      }
      case 'review_list': {
        const q = pick(REVIEW_QUERIES);
        const division = random() < 0.3 && state.divisions.length ? `division=${pick(state.divisions)}&` : '';
        return { method: 'GET', path: `/api/review/items?${division}${q}${q ? '&' : ''}limit=50&offset=${Math.floor(random() * 10) * 50}` };
      }
      case 'review_action': {
        const f = pick(state.findings);
        const seen = f.sourceId === null ? undefined : state.versions.get(f.sourceId) ?? undefined;
        // Now and then a deliberately old row version: the 409 it gets is the intended answer.
        const stale = seen !== undefined && seen !== null && random() < 0.05;
        const rowVersion = stale ? seen - 1 : seen ?? undefined;
        const body = random() < 0.5
          ? { action: 'accept', reason: '负载测试 load test', ...(rowVersion === undefined ? {} : { rowVersion }) }
          : { action: 'field_check', reason: 'load test', ...(rowVersion === undefined ? {} : { rowVersion }) };
        return {
          method: 'POST',
          path: `/api/review/items/${f.id}/actions`,
          body,
          intended: [409],
          after: (status, json) => {
            if (f.sourceId === null) return;
            if (status === 200 && json && typeof json.rowVersion === 'number') state.versions.set(f.sourceId, json.rowVersion);
            else if (status === 409 && json?.details && typeof json.details.rowVersion === 'number') state.versions.set(f.sourceId, json.details.rowVersion);
          },
        };
      }
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The run

interface Tally {
  requests: number;
  ok: number;
  intended: number;
  errors: number;
  latencies: number[];
  samples: Map<string, number>;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  console.log(`# load: ${engine === 'postgres' ? 'PostgreSQL + PostGIS' : 'embedded PGlite + PostGIS'}, demo of ${sources.toLocaleString('en')} sources, ${connections} connections, ${duration} s, at most ${maxRequests.toLocaleString('en')} requests (loopback only)`);
  const env: Record<string, string | undefined> = {
    YZT_DEMO_SOURCES: String(sources),
    YZT_ADMIN_PASSWORD: opts['admin-password']!,
    YZT_ANONYMOUS: 'off',
    // The load test signs in many times from one address only at setup; leave the default limits.
  };
  let dataDir: string | undefined;
  let removeDataDir = false;
  if (engine === 'postgres') {
    env.DATABASE_URL = databaseUrl!;
    env.YZT_DB_SCHEMA = schema;
    const host = new URL(databaseUrl!).hostname;
    if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host) && !host.startsWith('/')) fail(`--database-url must be on loopback (got host ${host})`);
    if (!opts.reuse) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      await client.end();
      console.log(`schema ${schema} dropped: the demo is loaded afresh`);
    }
  } else {
    dataDir = opts['data-dir'] ?? mkdtempSync(join(tmpdir(), 'yzt-load-'));
    removeDataDir = !opts['data-dir'];
    env.YZT_DATA_DIR = dataDir;
    env.DATABASE_URL = undefined;
  }
  const t0 = Date.now();
  const child = await startChild(env);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void child.stop().finally(() => {
        if (removeDataDir && dataDir) rmSync(dataDir, { recursive: true, force: true });
        process.exit(130);
      });
    });
  }
  console.log(`server ${child.url} (pid ${child.process.pid}) ready after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  let exitCode = 0;
  try {
    exitCode = await run(child);
  } finally {
    await child.stop();
    if (removeDataDir && dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(exitCode);
}

async function run(child: Child): Promise<number> {
  const base = child.url;
  const adminToken = await login(base, 'admin', opts['admin-password']!);
  const reviewerName = `load_reviewer_${Date.now().toString(36)}`;
  const reviewerPassword = `pw-${reviewerName}-0123456789`;
  const created = await call(base, 'POST', '/api/users', adminToken, { username: reviewerName, password: reviewerPassword, role: 'reviewer' });
  if (created.status !== 201) throw new Error(`POST /api/users: ${created.status} ${JSON.stringify(created.json)}`);
  const token = await login(base, reviewerName, reviewerPassword);
  console.log(`signed in as admin, created and signed in as reviewer ${reviewerName}`);

  await ensureReviewRun(base, token);
  const findings: Finding[] = [];
  const versions = new Map<number, number | null>();
  for (const q of ['status=open&severity=error', 'status=open', 'status=accepted,field_check']) {
    const r = await call(base, 'GET', `/api/review/items?${q}&limit=1000`, token);
    if (r.status !== 200) throw new Error(`GET /api/review/items?${q}: ${r.status}`);
    for (const item of r.json.items as { id: number; sourceId: number | null; rowVersion: number | null }[]) {
      if (findings.some((f) => f.id === item.id)) continue;
      findings.push({ id: item.id, sourceId: item.sourceId });
      if (item.sourceId !== null) versions.set(item.sourceId, item.rowVersion);
    }
  }
  if (!findings.length) throw new Error('the review run raised no findings to act on');
  const terms = new Set<string>(['示范区', '电镀', '污水处理厂', '养殖', 'SFQ000', 'no-such-source-xyz']);
  for (const q of ['示范区', '厂', '公司']) {
    const r = await call(base, 'GET', `/api/explore/search?q=${encodeURIComponent(q)}&limit=50`, token);
    for (const hit of (r.json.hits ?? []) as { label?: string; name?: string; id?: string }[]) {
      const name = hit.name ?? hit.label;
      if (name) {
        terms.add(name);
        terms.add(name.slice(0, Math.max(2, Math.floor(name.length / 2))));
      }
    }
  }
  for (let i = 0; i < 40; i++) terms.add(`SFQ${String(1 + Math.floor(random() * sources)).padStart(8, '0')}`);
  const divisions: string[] = [];
  const options = await call(base, 'GET', '/api/explore/options', token);
  for (const d of (options.json?.divisions ?? []) as { code?: string }[]) if (d.code) divisions.push(d.code);
  if (!divisions.length) divisions.push('99', '9901', '9902');
  console.log(`${findings.length} findings to act on, ${terms.size} search terms, ${divisions.length} divisions`);

  const plan = planner({ findings, versions, terms: [...terms], divisions });
  const weightTotal = KINDS.reduce((s, k) => s + WEIGHTS[k], 0);
  const chooseKind = (): Kind => {
    let r = random() * weightTotal;
    for (const k of KINDS) if ((r -= WEIGHTS[k]) < 0) return k;
    return 'tile';
  };
  const tallies = new Map<Kind, Tally>(KINDS.map((k) => [k, { requests: 0, ok: 0, intended: 0, errors: 0, latencies: [], samples: new Map() }]));

  const pid = child.process.pid!;
  const before = memoryOf(pid);
  const timeline: string[] = [];
  const startedAt = performance.now();
  const deadline = startedAt + duration * 1000;
  let sent = 0;
  const sampler = setInterval(() => {
    const m = memoryOf(pid);
    const done = [...tallies.values()].reduce((s, t) => s + t.requests, 0);
    const line = `${((performance.now() - startedAt) / 1000).toFixed(0).padStart(5)} s  ${done.toLocaleString('en').padStart(9)} requests  RSS ${m.rssMb.toFixed(0)} MB`;
    timeline.push(line);
    console.log(`  … ${line}`);
  }, sampleMs);

  const worker = async () => {
    while (performance.now() < deadline && sent < maxRequests) {
      sent++;
      const kind = chooseKind();
      const p = plan(kind);
      const tally = tallies.get(kind)!;
      const t = performance.now();
      let status = 0;
      let json: any = null;
      let note = '';
      try {
        const res = await fetch(base + p.path, {
          method: p.method,
          headers: { authorization: `Bearer ${token}`, ...(p.body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: p.body === undefined ? undefined : JSON.stringify(p.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = res.status;
        if (p.after || status >= 400) {
          const text = await res.text();
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
          note = text.slice(0, 160);
        } else {
          await res.arrayBuffer();
        }
      } catch (err) {
        note = (err as Error).name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : `${(err as Error).name}: ${(err as Error).message}`;
      }
      const ms = performance.now() - t;
      tally.requests++;
      tally.latencies.push(ms);
      p.after?.(status, json);
      if (status >= 200 && status < 400) tally.ok++;
      else if (p.intended?.includes(status)) tally.intended++;
      else {
        tally.errors++;
        const key = `${status || 'no answer'} ${p.method} ${p.path.split('?')[0]!.replace(/\/\d+/g, '/:n')}: ${note}`;
        tally.samples.set(key, (tally.samples.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  clearInterval(sampler);
  const elapsed = (performance.now() - startedAt) / 1000;
  // Let the server settle (GC, finished responses) before the second reading.
  await sleep(2_000);
  const after = memoryOf(pid);
  const health = await call(base, 'GET', '/api/health', token).catch(() => null);

  const rows: string[][] = [['kind', 'requests', '2xx', 'intended 4xx', 'errors', 'p50 ms', 'p99 ms']];
  const all: number[] = [];
  const sum = { requests: 0, ok: 0, intended: 0, errors: 0 };
  for (const k of KINDS) {
    const t = tallies.get(k)!;
    const sorted = t.latencies.sort((a, b) => a - b);
    all.push(...sorted);
    sum.requests += t.requests;
    sum.ok += t.ok;
    sum.intended += t.intended;
    sum.errors += t.errors;
    rows.push([k, String(t.requests), String(t.ok), String(t.intended), String(t.errors), percentile(sorted, 50).toFixed(1), percentile(sorted, 99).toFixed(1)]);
  }
  all.sort((a, b) => a - b);
  rows.push(['all', String(sum.requests), String(sum.ok), String(sum.intended), String(sum.errors), percentile(all, 50).toFixed(1), percentile(all, 99).toFixed(1)]);
  console.log('');
  console.log(`${sum.requests.toLocaleString('en')} requests in ${elapsed.toFixed(1)} s (${(sum.requests / elapsed).toFixed(1)} req/s), ${connections} connections, engine ${engine}, ${sources.toLocaleString('en')} sources`);
  printTable(rows);
  console.log('');
  console.log(`server memory (pid ${pid}, /proc/${pid}/status): before RSS ${before.rssMb.toFixed(0)} MB (peak so far ${before.hwmMb.toFixed(0)} MB), after RSS ${after.rssMb.toFixed(0)} MB (peak ${after.hwmMb.toFixed(0)} MB), change ${(after.rssMb - before.rssMb >= 0 ? '+' : '')}${(after.rssMb - before.rssMb).toFixed(0)} MB`);
  if (timeline.length) console.log(`RSS samples every ${sampleMs / 1000} s:\n  ${timeline.join('\n  ')}`);
  const counts = health?.json?.rowCounts;
  if (counts && typeof counts === 'object') console.log(`rows after the run: edit_log ${counts.edit_log ?? '?'}, source ${counts.source ?? '?'}`);
  const samples = KINDS.flatMap((k) => [...tallies.get(k)!.samples].map(([msg, n]) => `${k}: ${n}× ${msg}`));
  if (samples.length) {
    console.log('\nunintended errors:');
    for (const s of samples.slice(0, 20)) console.log(`  ${s}`);
  }
  console.log(sum.errors === 0 ? '\nno unintended errors' : `\n${sum.errors} unintended errors`);
  return sum.errors === 0 ? 0 : 1;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
