import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { cellOf, pointOf, type ExportTable } from './export-table.ts';

/** Writes `chunk`, waiting for 'drain' when the socket's buffer is full (back-pressure). */
export async function put(out: Writable, chunk: string | Uint8Array): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/**
 * A GeoJSON FeatureCollection (RFC 7946, WGS 84), streamed a feature at a time. The first
 * column is the feature id; rows without a location get a null geometry.
 */
export async function writeGeoJson(out: Writable, table: ExportTable): Promise<void> {
  const { columns } = table;
  const id = columns[0];
  await put(out, `{"type":"FeatureCollection","name":${JSON.stringify(table.name)},"features":[`);
  let first = true;
  for await (const row of table.rows) {
    const xy = pointOf(table, row);
    const properties = Object.fromEntries(columns.map((c) => [c.key, cellOf(c, row[c.key])]));
    const feature = {
      type: 'Feature',
      ...(id ? { id: cellOf(id, row[id.key]) } : {}),
      geometry: xy ? { type: 'Point', coordinates: xy } : null,
      properties,
    };
    await put(out, (first ? '\n' : ',\n') + JSON.stringify(feature));
    first = false;
  }
  out.end(']}\n');
  if (!out.writableFinished) await once(out, 'finish');
}
