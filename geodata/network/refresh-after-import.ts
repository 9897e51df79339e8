import type pg from 'pg';
import { buildRiverNetwork, type NetworkReport } from './build-network.ts';
import { linkNetwork, type LinkReport } from './link-network.ts';

/** Layers whose import changes the network or what sits on it. */
export const NETWORK_KINDS: ReadonlySet<string> = new Set(['river_reach', 'outfall', 'section', 'source']);

export interface ImportRefresh {
  build: NetworkReport | null;
  link: LinkReport;
}

/**
 * Keeps the network index current after an import: new river lines rebuild the graph (the
 * stored downstream_id when the data has one, else the digitised direction) and everything is
 * relinked; new outfalls, sections or sources are relinked. Null when there is no network yet.
 */
export async function refreshAfterImport(pool: pg.Pool, kind: string): Promise<ImportRefresh | null> {
  if (!NETWORK_KINDS.has(kind)) return null;
  let build: NetworkReport | null = null;
  if (kind === 'river_reach') {
    const { rows } = await pool.query<{ stored: boolean | null }>(`SELECT bool_or(downstream_id IS NOT NULL) AS stored FROM river_reach`);
    build = await buildRiverNetwork(pool, { direction: rows[0]?.stored ? 'stored' : 'attribute' });
  } else if ((await pool.query(`SELECT 1 FROM network_reach LIMIT 1`)).rowCount === 0) {
    return null;
  }
  return { build, link: await linkNetwork(pool) };
}
