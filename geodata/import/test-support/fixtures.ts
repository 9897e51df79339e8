import iconv from 'iconv-lite';
import type { MultiPolygon } from 'geojson';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { insertRows } from '../../db/bulk-insert.ts';
import { inTransaction } from '../../db/transaction.ts';
import { LAYERS } from '../../model/layers.ts';

/** A temporary folder for one test file's fixtures, removed by `remove()`. */
export function fixtureDir(label: string): { dir: string; file(name: string, text: string | Buffer, encoding?: 'utf8' | 'gbk' | 'utf8-bom'): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `yzt-import-${label}-`));
  return {
    dir,
    file(name, text, encoding = 'utf8') {
      const path = join(dir, name);
      if (Buffer.isBuffer(text)) writeFileSync(path, text);
      else if (encoding === 'gbk') writeFileSync(path, iconv.encode(text, 'gbk'));
      else writeFileSync(path, (encoding === 'utf8-bom' ? '\ufeff' : '') + text, 'utf8');
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function featureCollection(features: readonly { properties: Record<string, unknown>; geometry: unknown }[]): string {
  return JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) });
}

export async function countRows(pool: pg.Pool, table: string): Promise<number> {
  // Table names here come from the tests' own literals, never from input.
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

export async function clearTables(pool: pg.Pool, tables: readonly string[]): Promise<void> {
  await pool.query(`TRUNCATE ${[...tables, 'import_batch'].join(', ')}`);
}

export const square = (x: number, y: number, d = 0.01) => ({
  type: 'Polygon',
  coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]],
});

/** Whether GDAL's ogr2ogr is installed (Debian gdal-bin): tests that write files with it skip without it. */
export function hasOgr2ogr(): boolean {
  try {
    execFileSync('ogr2ogr', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A rectangle as a MultiPolygon, for boundaries drawn by hand. */
export function box(w: number, s: number, e: number, n: number): MultiPolygon {
  return { type: 'MultiPolygon', coordinates: [[[[w, s], [e, s], [e, n], [w, n], [w, s]]]] };
}

/** 深圳市 with 南山区 (440305) and one census zone ZA in its west half: where census-file tests put their sources. */
export async function seedNanshanZone(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await insertRows(client, LAYERS.division, [
      { code: '440300', name: '深圳市', level: 'city', parent_code: '440000', geom: box(113.8, 22.5, 114.0, 22.6) },
      { code: '440305', name: '南山区', level: 'county', parent_code: '440300', geom: box(113.9, 22.5, 114.0, 22.6) },
    ], null);
    await insertRows(client, LAYERS.census_zone, [{ code: 'ZA', name: '小区A', county_code: '440305', geom: box(113.9, 22.5, 113.95, 22.55) }], null);
  });
}
