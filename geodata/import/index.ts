import type pg from 'pg';
import { runImport } from './run-import.ts';
import type { ImportOptions, ImportReport } from './types.ts';

export { ImportFileError, MAX_REPORTED_ERRORS } from './types.ts';
export type { ImportFormat, ImportOptions, ImportProgress, ImportReport, RepairedGeometry, RowError, TextEncoding } from './types.ts';
export { inspectFile, type Inspection, type KindProposal } from './inspect.ts';
export { parseDms } from './dms.ts';
export { mappingTargets } from './map-fields.ts';
export { importCensusForm, type CensusFormOptions, type CensusFormReport } from './census-form.ts';
export { takeBackAbandonedImports, type AbandonedImport } from './abandoned-imports.ts';

/**
 * Imports a CSV, .xlsx, GeoJSON or shapefile into one layer, all or nothing (run-import.ts), and
 * reports what was stored or rejected. Throws ImportFileError when the file as a whole cannot be imported.
 */
export function importFile(pool: pg.Pool, options: ImportOptions): Promise<ImportReport> {
  return runImport(pool, options);
}
