import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LineString, MultiPolygon, Point } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { insertRows } from '../db/bulk-insert.ts';
import { inTransaction } from '../db/transaction.ts';
import { LAYERS, type Row } from '../model/layers.ts';
import { CHECK_CODES, type CheckCode } from './check-catalog.ts';
import { runReview, type CheckOptions } from './run-checks.ts';

/**
 * Golden fixtures, one per check (as turf's test/in → test/out): a few zones, divisions,
 * rivers, outfalls and sources in `test/in/<check>.json`, every finding a full run raises on
 * them in `test/out/<check>.json`. Each input holds cases that must fire and near misses that
 * must not, so a broken check fails its own fixture. `UPDATE_GOLDEN=1` rewrites the outputs;
 * review the diff before committing it.
 */
const DIR = fileURLToPath(new URL('./test/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface FixtureSource {
  census_id: string; name: string; zone: string | null; division: string | null; x: string | null; y: string | null; batch?: string; outfall?: string;
  /** Other source columns (the attribute screening's: industry, emissions, credit code, status…). */
  attrs?: Record<string, string | number | null>;
}
interface Fixture {
  check: CheckCode;
  about: string;
  options?: CheckOptions;
  divisions: { code: string; name: string; level: string; parent_code: string; box: number[] }[];
  zones: { code: string; name: string; county_code: string; township_code?: string; box: number[] }[];
  rivers: { id: number; name: string; line: [number, number][] }[];
  outfalls: { code: string; name: string; at: [number, number] }[];
  sources: FixtureSource[];
}
interface Finding {
  subject: string; check: string; severity: string; distance_m: number | null; suggested: [number, number] | null; details: unknown;
}

const fixtures = readdirSync(join(DIR, 'in')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
const readFixture = (name: string) => JSON.parse(readFileSync(join(DIR, 'in', `${name}.json`), 'utf8')) as Fixture;

const box = ([w, s, e, n]: number[]): MultiPolygon => ({ type: 'MultiPolygon', coordinates: [[[[w!, s!], [e!, s!], [e!, n!], [w!, n!], [w!, s!]]]] });
// Numbers as the engines compute them differ in the last bits; findings compare to 0.1 m and 1e-7°.
const round = (v: number, digits: number) => Number(v.toFixed(digits));
const roundDeep = (v: unknown): unknown =>
  typeof v === 'number' ? round(v, 6) : Array.isArray(v) ? v.map(roundDeep) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)])) : v;

async function load(db: TestDatabase, f: Fixture): Promise<Map<string, string>> {
  await db.pool.query(`TRUNCATE review_finding, review_run, source, census_zone, division, outfall, river_reach, import_batch RESTART IDENTITY CASCADE`);
  const batchNames = new Map<string, string>();
  await inTransaction(db.pool, async (client) => {
    await insertRows(client, LAYERS.division, f.divisions.map((d) => ({ code: d.code, name: d.name, level: d.level, parent_code: d.parent_code, geom: box(d.box) })), null);
    await insertRows(client, LAYERS.census_zone, f.zones.map((z) => ({ code: z.code, name: z.name, county_code: z.county_code, township_code: z.township_code ?? null, geom: box(z.box) })), null);
    await insertRows(client, LAYERS.river_reach, f.rivers.map((r) => ({ id: r.id, name: r.name, geom: { type: 'LineString', coordinates: r.line } satisfies LineString })), null);
    await insertRows(client, LAYERS.outfall, f.outfalls.map((o) => ({ code: o.code, name: o.name, geom: { type: 'Point', coordinates: o.at } satisfies Point })), null);
    const byBatch = new Map<string | null, FixtureSource[]>();
    for (const s of f.sources) byBatch.set(s.batch ?? null, [...(byBatch.get(s.batch ?? null) ?? []), s]);
    for (const [batch, sources] of byBatch) {
      let batchId: number | null = null;
      if (batch !== null) {
        const { rows } = await client.query<{ id: string }>(`INSERT INTO import_batch (kind, file_name, format, actor) VALUES ('source', $1, 'json', 'golden') RETURNING id`, [batch]);
        batchId = Number(rows[0]!.id);
        batchNames.set(String(batchId), batch);
      }
      const rows: Row[] = sources.map((s) => ({
        census_id: s.census_id, name: s.name, source_type: 'industrial', zone_code: s.zone, division_code: s.division,
        geom: s.x === null || s.y === null ? null : ({ type: 'Point', coordinates: [Number(s.x), Number(s.y)] } satisfies Point),
        entered_x: s.x, entered_y: s.y, entered_crs: 'wgs84', outfall_code: s.outfall ?? null, status: 'active',
        ...s.attrs,
      }));
      await insertRows(client, LAYERS.source, rows, batchId);
    }
  });
  return batchNames;
}

async function findings(db: TestDatabase, batchNames: Map<string, string>): Promise<Finding[]> {
  const { rows } = await db.pool.query<{
    subject_kind: string; subject_key: string; census_id: string | null; check_code: string; severity: string; distance_m: number | null; sx: number | null; sy: number | null; details: unknown;
  }>(`SELECT f.subject_kind, f.subject_key, s.census_id, f.check_code, f.severity, f.distance_m, ST_X(f.suggested) AS sx, ST_Y(f.suggested) AS sy, f.details
      FROM review_finding f LEFT JOIN source s ON s.id = f.source_id`);
  return rows
    .map((r) => ({
      subject: r.subject_kind === 'source' ? `source:${r.census_id}`
        : r.subject_kind === 'import_batch' ? `import_batch:${batchNames.get(r.subject_key) ?? r.subject_key}`
        : `${r.subject_kind}:${r.subject_key}`,
      check: r.check_code,
      severity: r.severity,
      distance_m: r.distance_m === null ? null : round(r.distance_m, 1),
      suggested: r.sx === null || r.sy === null ? null : ([round(r.sx, 7), round(r.sy, 7)] as [number, number]),
      details: roundDeep(r.details),
    }))
    .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.check < b.check ? -1 : a.check > b.check ? 1 : 0));
}

/** One finding a line, so a change reads as a one-line diff. */
function formatGolden(check: string, list: Finding[]): string {
  return `{\n  "check": ${JSON.stringify(check)},\n  "findings": [${list.length ? '\n' + list.map((f) => `    ${JSON.stringify(f)}`).join(',\n') + '\n  ' : ''}]\n}\n`;
}

describe('golden findings of each review check', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('review_golden');
  });
  afterAll(async () => db?.close());

  // Geolocation and attribute screening alike (the screening also has a labelled set: test/quality/screening.test.ts).
  it('has one fixture for every check of the catalog, and none for an unknown check', () => {
    expect(fixtures).toEqual([...CHECK_CODES].sort());
  });

  it.each(fixtures)('%s: a full run raises exactly the recorded findings', async (name) => {
    const fixture = readFixture(name);
    expect(fixture.check).toBe(name);
    const batchNames = await load(db, fixture);
    const run = await runReview(db.pool, 'golden', fixture.options ?? {});
    expect(run.status).toBe('done');
    const got = await findings(db, batchNames);
    const outFile = join(DIR, 'out', `${name}.json`);
    if (UPDATE) writeFileSync(outFile, formatGolden(name, got));
    const expected = JSON.parse(readFileSync(outFile, 'utf8')) as { check: string; findings: Finding[] };
    expect(got).toEqual(expected.findings);
    // The fixture is about its check: it fires, and the near misses stay quiet.
    expect(got.filter((f) => f.check === name).length, `${name} fires in its own fixture`).toBeGreaterThan(0);
  });
});
