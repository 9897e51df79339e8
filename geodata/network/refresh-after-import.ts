import type pg from 'pg';
import { buildRiverNetwork, type BuildOptions, type NetworkReport } from './build-network.ts';
import { linkNetwork, type LinkOptions, type LinkReport } from './link-network.ts';
import { loadStatements } from '../db/sql-statements.ts';
import { RECORD_KIND_SPECS } from '../model/vocabulary.ts';

// The fixed statements of this file, by name, in refresh-after-import.sql beside it.
const FIXED_SQL = loadStatements(new URL('./refresh-after-import.sql', import.meta.url), ['select_river_reach', 'select_network_reach', 'select_last_options', 'select_existing_reaches']);

/** Layers whose import changes the network or what sits on it. */
export const NETWORK_KINDS: ReadonlySet<string> = new Set(RECORD_KIND_SPECS.filter((r) => r.onNetwork).map((r) => r.code));

export interface ImportRefresh {
  build: NetworkReport | null;
  link: LinkReport;
}

/**
 * Keeps the network index current after an import: new river lines rebuild the graph and
 * everything is relinked; new outfalls, sections or sources are relinked. A network built
 * before is rebuilt and relinked as it was asked then (its direction, declared outlets and
 * overrides, tolerances), so an import neither undoes a user's outlets nor takes the
 * downstream_id an 'auto' build wrote for the data's own. The first build takes the stored
 * downstream_id when the data has one, else direction found from the network's shape ('auto',
 * never the digitising order, which real data does not keep). Null when there is no network yet.
 */
export async function refreshAfterImport(pool: pg.Pool, kind: string): Promise<ImportRefresh | null> {
  if (!NETWORK_KINDS.has(kind)) return null;
  const { rows: [last] } = await pool.query<{ build: BuildOptions | null; link: LinkOptions | null }>(FIXED_SQL.select_last_options);
  let build: NetworkReport | null = null;
  if (kind === 'river_reach') {
    let options = last?.build ? await stillDeclarable(pool, last.build) : null;
    if (!options) {
      const { rows } = await pool.query<{ stored: boolean | null }>(FIXED_SQL.select_river_reach);
      options = { direction: rows[0]?.stored ? 'stored' : 'auto' };
    }
    build = await buildRiverNetwork(pool, options);
  } else if ((await pool.query(FIXED_SQL.select_network_reach)).rowCount === 0) {
    return null;
  }
  return { build, link: await linkNetwork(pool, last?.link ?? {}) };
}

/**
 * The last build's options for the reaches stored now: declared outlets and not-outlets that
 * the import removed are dropped (a rebuild would refuse them); 'outlet' with none left is
 * 'auto'.
 */
async function stillDeclarable(pool: pg.Pool, options: BuildOptions): Promise<BuildOptions> {
  const keep = async (ids: number[] | undefined) => {
    if (!ids?.length) return ids;
    const { rows } = await pool.query<{ ids: string[] }>(FIXED_SQL.select_existing_reaches, [ids]);
    return rows[0]!.ids.map(Number);
  };
  const outlets = await keep(options.outlets), notOutlets = await keep(options.notOutlets);
  const next: BuildOptions = { ...options, ...(outlets && { outlets }), ...(notOutlets && { notOutlets }) };
  return next.direction === 'outlet' && !next.outlets?.length ? { ...next, direction: 'auto' } : next;
}
