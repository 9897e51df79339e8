import type pg from 'pg';
import { buildRiverNetwork, type NetworkReport } from './build-network.ts';
import { linkNetwork, type LinkReport } from './link-network.ts';
import { loadStatements } from '../db/sql-statements.ts';
import { RECORD_KIND_SPECS } from '../model/vocabulary.ts';

// The fixed statements of this file, by name, in refresh-after-import.sql beside it.
const FIXED_SQL = loadStatements(new URL('./refresh-after-import.sql', import.meta.url), ['select_river_reach', 'select_network_reach']);

/** Layers whose import changes the network or what sits on it. */
export const NETWORK_KINDS: ReadonlySet<string> = new Set(RECORD_KIND_SPECS.filter((r) => r.onNetwork).map((r) => r.code));

export interface ImportRefresh {
  build: NetworkReport | null;
  link: LinkReport;
}

/**
 * Keeps the network index current after an import: new river lines rebuild the graph (the
 * stored downstream_id when the data has one, else direction found from the network's shape:
 * 'auto', never the digitising order, which real data does not keep) and everything is
 * relinked; new outfalls, sections or sources are relinked. Null when there is no network yet.
 */
export async function refreshAfterImport(pool: pg.Pool, kind: string): Promise<ImportRefresh | null> {
  if (!NETWORK_KINDS.has(kind)) return null;
  let build: NetworkReport | null = null;
  if (kind === 'river_reach') {
    const { rows } = await pool.query<{ stored: boolean | null }>(FIXED_SQL.select_river_reach);
    build = await buildRiverNetwork(pool, { direction: rows[0]?.stored ? 'stored' : 'auto' });
  } else if ((await pool.query(FIXED_SQL.select_network_reach)).rowCount === 0) {
    return null;
  }
  return { build, link: await linkNetwork(pool) };
}
