import type pg from 'pg';
import { inTransaction } from '../db/transaction.ts';
import { summarizeLinks } from './network-report.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in link-network.sql beside it.
const FIXED_SQL = loadStatements(new URL('./link-network.sql', import.meta.url), ['link_network_insert_network_report', 'flow_shape_select_network_report', 'link_with_truncate_network_outfall', 'link_with_insert_network_outfall', 'link_with_insert_network_section', 'link_sources_direct_update_network_source']);

export interface LinkOptions {
  /** Farthest an outfall may lie from its receiving reach (metres). Default 500. */
  outfallToleranceM?: number;
  /** Farthest an outfall may lie from a reach carrying its receiving-water name. Default 5000. */
  nameToleranceM?: number;
  /** Farthest a section may lie from its reach when it names none. Default 500. */
  sectionToleranceM?: number;
  /** Farthest a source without outfall or facility may lie from the nearest reach. Default 5000. */
  sourceToleranceM?: number;
}

export interface UnlinkedItem {
  kind: 'outfall' | 'section' | 'source';
  id: string;
  note: string;
}

export interface LinkReport {
  /** The tolerances the link used (the stored link report): a relink after an import repeats them. */
  options?: Required<LinkOptions>;
  outfalls: Record<string, number>;
  sections: Record<string, number>;
  sources: Record<string, number>;
  /** Items that could not be placed on the indexed network, first 500; counts above are complete. */
  unlinked: UnlinkedItem[];
}

export const DEFAULT_LINK_OPTIONS: Required<LinkOptions> = {
  outfallToleranceM: 500, nameToleranceM: 5000, sectionToleranceM: 500, sourceToleranceM: 5000,
};

/** A source emits to water when it reports any water pollutant; closed sources emit nothing. */
const WATER_EMITTING = `s.status = 'active' AND coalesce(s.cod, 0) + coalesce(s.nh3n, 0) + coalesce(s.tn, 0) + coalesce(s.tp, 0) > 0`;

/**
 * Places outfalls, sections and water-emitting sources on the indexed network (network_reach
 * must be current). Outfalls: the stored reach_id, else the nearest reach carrying the
 * receiving-water name, else the nearest reach within tolerance. Sections: stored reach_id, else
 * nearest. Sources: a source linked to a treatment facility drains where the facility drains
 * (and is not counted: the facility's discharge carries its water), else through its outfall,
 * else to the nearest reach. Nothing is dropped: unplaced items keep a row with a note.
 */
export async function linkNetwork(pool: pg.Pool, options: LinkOptions = {}): Promise<LinkReport> {
  const o = { ...DEFAULT_LINK_OPTIONS, ...options };
  return inTransaction(pool, async (client) => {
    const report: LinkReport = { options: o, ...(await linkWith(client, o)) };
    await client.query(
      FIXED_SQL.link_network_insert_network_report, [JSON.stringify(report)]);
    return report;
  });
}

/**
 * What the last build left off the flow (second banks, island rings) and the water between
 * double-line banks: points are placed on the kept bank, and a point between the banks (a
 * section on the centre line, farther than the tolerance from either bank) still links, up to
 * the widest bank distance the build allowed.
 */
interface FlowShape { offFlow: number[]; water: string | null; bankWidthM: number }

async function flowShape(client: pg.PoolClient): Promise<FlowShape> {
  const { rows } = await client.query<{ off: number[] | null; water: unknown; width: number | null }>(
    FIXED_SQL.flow_shape_select_network_report);
  const r = rows[0];
  const water = r?.water && typeof r.water === 'object' ? JSON.stringify(r.water) : null;
  return { offFlow: (r?.off ?? []).map(Number), water, bankWidthM: r?.width ?? 3000 };
}

async function linkWith(client: pg.PoolClient, o: Required<LinkOptions>): Promise<LinkReport> {
  const flow = await flowShape(client);
  await client.query(FIXED_SQL.link_with_truncate_network_outfall);

  // Outfalls. The KNN order (<->) uses the spatial index; the tolerance is checked in metres after.
  await client.query(FIXED_SQL.link_with_insert_network_outfall,
  [o.outfallToleranceM, o.nameToleranceM, flow.offFlow, flow.water, flow.bankWidthM]);
  await placeOn(client, 'network_outfall', 'outfall_code', 'outfall', 'code');

  await client.query(FIXED_SQL.link_with_insert_network_section,
  [o.sectionToleranceM, flow.offFlow, flow.water, flow.bankWidthM]);
  await placeOn(client, 'network_section', 'section_code', 'section', 'code');

  // Sources not connected to a facility: through their outfall when it is placed, else nearest.
  await linkSourcesDirect(client, o, flow, `s.facility_census_id IS NULL`, null);
  // Then sources connected to a facility take the facility's place, uncounted.
  await client.query(`
    INSERT INTO network_source (source_id, reach_id, pre, dist_m, via, outfall_code, facility_id, counted, offset_m)
    SELECT s.id, nf.reach_id, nf.pre, nf.dist_m, 'facility', nf.outfall_code, f.id, false, nf.offset_m
      FROM source s JOIN source f ON f.census_id = s.facility_census_id
      JOIN network_source nf ON nf.source_id = f.id AND nf.reach_id IS NOT NULL
     WHERE ${WATER_EMITTING} AND s.facility_census_id IS NOT NULL`);
  // A facility that is missing or not placed: the source falls back to its own way, noted.
  await linkSourcesDirect(client, o, flow, `s.facility_census_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM network_source x WHERE x.source_id = s.id)`,
    `'facility ' || s.facility_census_id || ' not found or not linked'`);

  return summarizeLinks(client);
}

async function linkSourcesDirect(client: pg.PoolClient, o: Required<LinkOptions>, flow: FlowShape, where: string, note: string | null): Promise<void> {
  await client.query(`
    INSERT INTO network_source (source_id, reach_id, pre, dist_m, via, outfall_code, counted, offset_m, note)
    SELECT s.id, coalesce(no.reach_id, near.id), no.pre, no.dist_m,
           CASE WHEN no.reach_id IS NOT NULL THEN 'outfall' WHEN near.id IS NOT NULL THEN 'nearest' ELSE 'unlinked' END,
           CASE WHEN no.reach_id IS NOT NULL THEN s.outfall_code END, true, no.offset_m,
           NULLIF(concat_ws('; ', ${note ?? 'NULL'},
             CASE WHEN s.outfall_code IS NOT NULL AND no.reach_id IS NULL THEN 'outfall ' || s.outfall_code || ' not found or not linked' END,
             CASE WHEN no.reach_id IS NULL AND near.id IS NULL THEN
               CASE WHEN s.geom IS NULL THEN 'no coordinates' ELSE 'no reach within ' || $1::float8 || ' m' END END), '')
      FROM source s
      CROSS JOIN (SELECT CASE WHEN $3::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($3::text), 4326) END AS g) w
      LEFT JOIN network_outfall no ON no.outfall_code = s.outfall_code AND no.reach_id IS NOT NULL
      LEFT JOIN LATERAL (
        SELECT r.id FROM river_reach r WHERE no.reach_id IS NULL AND s.geom IS NOT NULL AND NOT (r.id = ANY($2::bigint[])) ORDER BY r.geom <-> s.geom LIMIT 1) n1 ON true
      LEFT JOIN river_reach near ON near.id = n1.id AND CASE WHEN ST_DistanceSphere(s.geom, ST_ClosestPoint(near.geom, s.geom)) <= $1::float8 THEN true
             WHEN w.g IS NOT NULL AND ST_DistanceSphere(s.geom, ST_ClosestPoint(near.geom, s.geom)) <= $1::float8 + $4::float8
               AND ST_DWithin(w.g::geography, s.geom::geography, $1::float8) THEN true ELSE false END
     WHERE ${WATER_EMITTING} AND ${where}`, [o.sourceToleranceM, flow.offFlow, flow.water, flow.bankWidthM]);
  // Sources placed on the nearest reach get their own position along it.
  await client.query(`
    UPDATE network_source n SET pre = nr.pre, dist_m = ${DIST_EXPR('s.geom')}, offset_m = ST_DistanceSphere(s.geom, ST_ClosestPoint(r.geom, s.geom))
      FROM source s, river_reach r, network_reach nr
     WHERE n.via = 'nearest' AND n.pre IS NULL AND s.id = n.source_id AND r.id = n.reach_id AND nr.reach_id = r.id`);
  await client.query(FIXED_SQL.link_sources_direct_update_network_source);
}

/** Position of point p along reach r (river_reach) with its index row nr, as distance to the outlet. */
const DIST_EXPR = (p: string) =>
  `nr.down_m + nr.length_m * (CASE WHEN nr.forward THEN 1 - ST_LineLocatePoint(r.geom, ${p}) ELSE ST_LineLocatePoint(r.geom, ${p}) END)`;

async function placeOn(client: pg.PoolClient, table: string, key: string, pointTable: string, pointKey: string): Promise<void> {
  await client.query(`
    UPDATE ${table} n SET pre = nr.pre, dist_m = ${DIST_EXPR('p.geom')},
           offset_m = ST_DistanceSphere(p.geom, ST_ClosestPoint(r.geom, p.geom))
      FROM ${pointTable} p, river_reach r, network_reach nr
     WHERE p.${pointKey} = n.${key} AND r.id = n.reach_id AND nr.reach_id = r.id AND p.geom IS NOT NULL`);
  // A stored reach_id with no coordinates: the point is taken to be the reach's downstream end.
  await client.query(`
    UPDATE ${table} n SET pre = nr.pre, dist_m = nr.down_m, note = 'no coordinates: placed at the downstream end of its reach'
      FROM network_reach nr WHERE n.pre IS NULL AND nr.reach_id = n.reach_id`);
  await client.query(`
    UPDATE ${table} SET note = 'reach ' || reach_id || ' does not drain to an outlet' WHERE reach_id IS NOT NULL AND pre IS NULL`);
}
