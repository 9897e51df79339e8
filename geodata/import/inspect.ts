import { basename } from 'node:path';
import { LAYERS, type LayerKind, type LayerSpec } from '../model/layers.ts';
import { formatOf } from './detect-format.ts';
import { mapFields, mappingTargets, requiredTargets } from './map-fields.ts';
import { extentOf, openReader } from './run-import.ts';
import { resolveCrs } from './source-crs.ts';
import type { Geometry } from 'geojson';
import type { ImportFormat, OpenedReader, TextEncoding } from './types.ts';

/** How well a file's fields fit one layer: the mapping the importer would use, and what is missing. */
export interface KindProposal {
  readonly kind: LayerKind;
  /** File field → target, as the importer would map them with no mapping given. */
  readonly mapping: Record<string, string>;
  /** Required targets no field feeds. */
  readonly missing: string[];
  /** Every target a field may be mapped to (lon and lat for points). */
  readonly targets: string[];
}

export interface Inspection {
  readonly fileName: string;
  readonly format: ImportFormat;
  readonly encoding: TextEncoding | null;
  readonly sheet: string | null;
  /** An .xlsx workbook's worksheets, in tab order; empty for other formats. */
  readonly sheets: readonly string[];
  readonly fields: string[];
  /** The first records, as text, for the mapping table. */
  readonly sample: Record<string, string>[];
  /**
   * The coordinate system the import will read (.prj, GeoJSON crs, or degrees assumed), with
   * `problem` when it would refuse the file for it (metres and no .prj); null for tables.
   */
  readonly crs: { label: string; epsg: number | null; assumed: boolean; problem: string | null } | null;
  /** Layers the file could be, best fit first: fewest required targets missing, then most fields used. */
  readonly proposals: KindProposal[];
}

const SAMPLE_ROWS = 5;

/**
 * Reads a file's head (header and first records, never the rest) and proposes what it is: the
 * layer, the field mapping, the encoding and CRS the importer will use. The import page shows
 * it for the user to adjust before the import runs.
 */
export async function inspectFile(files: readonly string[], options: { format?: ImportFormat; encoding?: string; sheet?: string } = {}): Promise<Inspection> {
  const format = formatOf(files, options.format);
  const fileName = files.map((f) => basename(f)).join(', ');
  const reader = await openReader(format, { kind: 'source', files, actor: 'inspect', ...options }, { parsed: 0 });
  try {
    const sample: Record<string, string>[] = [];
    const seen = new Set<string>(reader.header ?? []);
    let crs: Inspection['crs'] = null;
    let hasGeometry = false;
    for await (const record of reader.records) {
      if (sample.length === 0 && reader.declaredCrs) crs = crsOf(reader, record.geometry, fileName);
      if (record.geometry) hasGeometry = true;
      for (const k of Object.keys(record.fields)) seen.add(k);
      sample.push(Object.fromEntries(Object.entries(record.fields).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)])));
      if (sample.length >= SAMPLE_ROWS) break;
    }
    const fields = [...seen];
    const proposals = (Object.values(LAYERS) as LayerSpec[])
      .filter((layer) => (format === 'csv' || format === 'xlsx' ? layer.csv : true))
      .filter((layer) => !hasGeometry || layer.geometry !== undefined)
      .map((layer) => propose(layer, fields))
      .sort((a, b) => a.missing.length - b.missing.length || Object.keys(b.mapping).length - Object.keys(a.mapping).length);
    return {
      fileName, format, encoding: reader.encoding, sheet: reader.sheet ?? null, sheets: [...(reader.sheets ?? [])],
      fields, sample, crs, proposals,
    };
  } finally {
    await reader.close();
  }
}

function crsOf(reader: OpenedReader, first: Geometry | null | undefined, fileName: string): Inspection['crs'] {
  const extent = reader.extent !== undefined ? reader.extent : extentOf(first);
  try {
    const crs = resolveCrs({}, reader.declaredCrs?.() ?? null, extent, fileName, reader.missingCrs ?? 'no coordinate system');
    return { label: crs.label, epsg: crs.epsg, assumed: crs.assumed, problem: null };
  } catch (err) {
    return { label: 'unknown', epsg: null, assumed: false, problem: (err as Error).message };
  }
}

function propose(layer: LayerSpec, fields: readonly string[]): KindProposal {
  const targets = mappingTargets(layer);
  let byTarget: ReadonlyMap<string, string>;
  try {
    byTarget = mapFields(layer, fields).byTarget;
  } catch {
    // A header the layer cannot read (a unit that is not a mass) makes it no proposal's fit.
    byTarget = new Map();
  }
  const mapping = Object.fromEntries([...byTarget].map(([target, field]) => [field, target]));
  return { kind: layer.kind, mapping, missing: requiredTargets(layer).filter((t) => !byTarget.has(t)), targets };
}
