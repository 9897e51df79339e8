import type pg from 'pg';
import { importCensusForm, importFile, type CensusFormOptions, type CensusFormReport, type ImportOptions, type ImportReport } from '../import/index.ts';
import { refreshForCaller } from './network-report.ts';
import { refreshAfterImport, type ImportRefresh } from './refresh-after-import.ts';

/**
 * Who runs an import. The rows are written through `scoped` (an admin's pool, so row-level
 * security refuses rows outside its region; the owner pool for the CLI). The network refresh
 * that follows is system work on every row, so it runs on `owner`; a caller who does not see
 * the whole country gets the link report counted over what it may see.
 */
export interface ImportCaller {
  readonly scoped: pg.Pool;
  readonly owner: pg.Pool;
  readonly national: boolean;
}

export type WithNetwork<R> = R & { network?: ImportRefresh };

/**
 * "Import, then refresh the network": one use case for the CLI, the HTTP routes and the import
 * jobs, so that every way in leaves the river-network index current after rivers, outfalls,
 * sections or sources were stored. Nothing is refreshed when nothing was stored.
 */
export async function importThenRefresh(caller: ImportCaller, options: ImportOptions): Promise<WithNetwork<ImportReport>> {
  return withRefresh(caller, options.kind, await importFile(caller.scoped, options));
}

/** The census-form CSV (sources) imported, then the network refreshed the same way. */
export async function importCensusFormThenRefresh(caller: ImportCaller, options: CensusFormOptions): Promise<WithNetwork<CensusFormReport>> {
  return withRefresh(caller, 'source', await importCensusForm(caller.scoped, options));
}

async function withRefresh<R extends { readonly rowsStored: number }>(caller: ImportCaller, kind: string, report: R): Promise<WithNetwork<R>> {
  const refresh = report.rowsStored > 0 ? await refreshAfterImport(caller.owner, kind) : null;
  const network = await refreshForCaller(refresh, caller.scoped, caller.national);
  return network ? { ...report, network } : report;
}
