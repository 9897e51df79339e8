import type { FeatureCollection, Point } from 'geojson';
import { POLLUTANTS } from './filters.ts';
import { SOURCE_COLUMNS, type SourceRecord } from './source-list.ts';

/** CSV with a UTF-8 BOM so that Excel (what these users open it in) reads the Chinese names. */
export function sourcesToCsv(records: readonly SourceRecord[]): string {
  const header = [...SOURCE_COLUMNS, 'lng', 'lat', ...POLLUTANTS];
  const lines = [header.join(',')];
  for (const r of records) {
    const cells: unknown[] = [...SOURCE_COLUMNS.map((c) => r[c]), r.lng, r.lat, ...POLLUTANTS.map((p) => r.emissions[p])];
    lines.push(cells.map(csvCell).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export function sourcesToGeoJson(records: readonly SourceRecord[]): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: records.map((r) => ({
      type: 'Feature',
      id: r.census_id,
      geometry: { type: 'Point', coordinates: [r.lng, r.lat] },
      properties: { ...Object.fromEntries(SOURCE_COLUMNS.map((c) => [c, r[c]])), ...r.emissions },
    })),
  };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // A leading = + - @ would run as a formula in a spreadsheet; census ids and names never need it.
  const safe = /^[=+\-@]/.test(s) && Number.isNaN(Number(s)) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
