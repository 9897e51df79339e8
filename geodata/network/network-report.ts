import type pg from 'pg';
import type { LinkReport, UnlinkedItem } from './link-network.ts';
import type { ImportRefresh } from './refresh-after-import.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in network-report.sql beside it.
const FIXED_SQL = loadStatements(new URL('./network-report.sql', import.meta.url), ['count_select_network_outfall', 'select']);

/**
 * The link report, counted over what `db` may see. On the owner's connection (right after a
 * link) that is everything; through a request's scoped pool, row-level security on
 * network_source (migration 011) keeps other regions' sources out of the counts and of the
 * unlinked list. Outfalls and sections are shared layers and counted whole for everyone.
 */
export async function summarizeLinks(db: pg.Pool | pg.ClientBase): Promise<LinkReport> {
  const count = async (table: string) => {
    const { rows } = await db.query<{ via: string; n: number }>(`SELECT via, count(*)::int AS n FROM ${table} GROUP BY via ORDER BY via`);
    return Object.fromEntries(rows.map((r) => [r.via, r.n]));
  };
  const { rows: unlinked } = await db.query<UnlinkedItem>(FIXED_SQL.count_select_network_outfall);
  return { outfalls: await count('network_outfall'), sections: await count('network_section'), sources: await count('network_source'), unlinked };
}

export interface StoredNetworkReport {
  build?: Record<string, unknown> & { at: string };
  link?: LinkReport & { at: string };
}

/**
 * GET /api/network/report for the caller of `scoped` (a request's pool). National callers get
 * the stored reports; a scoped caller the build report (reaches are shared) and a link report
 * computed in its scope, since the stored one names every region's sources.
 */
export async function networkReport(scoped: pg.Pool, national: boolean): Promise<StoredNetworkReport> {
  const { rows } = await scoped.query<{ kind: 'build' | 'link'; at: string; report: Record<string, unknown> }>(
    `SELECT kind, at, report FROM network_report ORDER BY kind`);
  const out: StoredNetworkReport = {};
  for (const r of rows) (out as Record<string, unknown>)[r.kind] = { at: r.at, ...r.report };
  if (!national) {
    const { rows: linked } = await scoped.query<{ at: string | null }>(FIXED_SQL.select);
    if (linked[0]?.at) out.link = { at: linked[0].at, ...(await summarizeLinks(scoped)) };
  }
  return out;
}

/** The `network` field of a rebuild or import answer, as the caller may see it. */
export async function refreshForCaller(refresh: ImportRefresh | null, scoped: pg.Pool, national: boolean): Promise<ImportRefresh | null> {
  if (!refresh || national) return refresh;
  return { build: refresh.build, link: await summarizeLinks(scoped) };
}
