import type { LayerKind, Row } from '../model/layers.ts';

/**
 * Values the database would default but the bulk writer cannot leave to it: insertRows
 * writes every column, so a NULL would reach these NOT NULL columns. Mirrors the DEFAULTs in
 * 001_census_model.sql (a test compares them with the live schema).
 */
export const STORED_DEFAULTS: Readonly<Partial<Record<LayerKind, Readonly<Record<string, string | number>>>>> = {
  source: { entered_crs: 'wgs84', status: 'active' },
  basin: { level: 1 },
};

/**
 * Fills what a row may omit: the stored defaults above, and for divisions the level and parent
 * implied by the code (440000 province, 440300 city, 440305 county, 440305001 township), since
 * level is NOT NULL and boundary files rarely carry it.
 */
export function completeRow(kind: LayerKind, row: Row): void {
  for (const [column, value] of Object.entries(STORED_DEFAULTS[kind] ?? {})) {
    if (row[column] === null || row[column] === undefined) row[column] = value;
  }
  if (kind === 'division' && typeof row.code === 'string') {
    const implied = divisionHierarchy(row.code);
    if (implied) {
      row.level ??= implied.level;
      if (row.parent_code === null || row.parent_code === undefined) row.parent_code = implied.parent;
    }
  }
}

export function divisionHierarchy(code: string): { level: string; parent: string | null } | null {
  if (/^\d{9}$/.test(code)) return { level: 'township', parent: code.slice(0, 6) };
  if (!/^\d{6}$/.test(code)) return null;
  if (code.endsWith('0000')) return { level: 'province', parent: null };
  if (code.endsWith('00')) return { level: 'city', parent: `${code.slice(0, 2)}0000` };
  return { level: 'county', parent: `${code.slice(0, 4)}00` };
}
