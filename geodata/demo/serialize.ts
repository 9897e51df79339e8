import { LAYERS, type LayerKind, type Row } from '../model/layers.ts';
import { REGION_LAYER_ORDER, type DemoRegion } from './generate.ts';

/**
 * The region as NDJSON, one object per row: {"layer": kind, then the layer's columns in
 * LAYERS order}, sources after the other layers, then one line per seeded error. Key order
 * is fixed, so two runs with one seed are byte-identical. Yields one chunk per batch.
 */
export function* serializeDemo(region: DemoRegion, batchSize = 5000): Generator<string> {
  for (const kind of REGION_LAYER_ORDER) {
    const rows = region.layers[kind];
    for (let i = 0; i < rows.length; i += batchSize) yield lines(kind, rows.slice(i, i + batchSize));
  }
  for (const batch of region.sourceBatches(batchSize)) yield lines('source', batch);
  const errors = region.seededErrors;
  for (let i = 0; i < errors.length; i += batchSize) {
    yield errors
      .slice(i, i + batchSize)
      .map((e) => `${JSON.stringify({ layer: 'seeded_error', census_id: e.census_id, kind: e.kind })}\n`)
      .join('');
  }
}

function lines(kind: LayerKind, rows: readonly Row[]): string {
  const columns = LAYERS[kind].columns.map((c) => c.name);
  let out = '';
  for (const row of rows) {
    const ordered: Record<string, unknown> = { layer: kind };
    for (const c of columns) ordered[c] = row[c] ?? null;
    out += `${JSON.stringify(ordered)}\n`;
  }
  return out;
}
