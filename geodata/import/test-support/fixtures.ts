import iconv from 'iconv-lite';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';

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
