import type pg from 'pg';
import { inTransaction } from '../db/transaction.ts';

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
    const report = await linkWith(client, o);
    await client.query(
      `INSERT INTO network_report (kind, report) VALUES ('link', $1)
       ON CONFLICT (kind) DO UPDATE SET report = excluded.report, at = now()`, [JSON.stringify(report)]);
    return report;
  });
}

async function linkWith(client: pg.PoolClient, o: Required<LinkOptions>): Promise<LinkReport> {
  await client.query('TRUNCATE network_outfall, network_section, network_source');

  // Outfalls. The KNN order (<->) uses the spatial index; the tolerance is checked in metres after.
  await client.query(`
    INSERT INTO network_outfall (outfall_code, reach_id, via, note)
    SELECT o.code,
           coalesce(stored.id, by_name.id, near.id),
           CASE WHEN stored.id IS NOT NULL THEN 'reach_id' WHEN by_name.id IS NOT NULL THEN 'name'
                WHEN near.id IS NOT NULL THEN 'nearest' ELSE 'unlinked' END,
           CASE WHEN o.geom IS NULL AND stored.id IS NULL THEN 'no coordinates and no reach_id'
                WHEN o.reach_id IS NOT NULL AND stored.id IS NULL AND coalesce(by_name.id, near.id) IS NULL
                  THEN 'reach_id ' || o.reach_id || ' does not exist and no reach within tolerance'
                WHEN coalesce(stored.id, by_name.id, near.id) IS NULL THEN 'no reach within ' || $1::float8 || ' m'
                  || CASE WHEN o.receiving_water IS NOT NULL THEN ' and no reach named ' || o.receiving_water || ' within ' || $2::float8 || ' m' ELSE '' END
           END
      FROM outfall o
      LEFT JOIN river_reach stored ON stored.id = o.reach_id
      LEFT JOIN LATERAL (
        SELECT r.id FROM river_reach r
         WHERE stored.id IS NULL AND o.receiving_water IS NOT NULL AND r.name = o.receiving_water AND o.geom IS NOT NULL
         ORDER BY r.geom <-> o.geom LIMIT 1) n0 ON true
      LEFT JOIN river_reach by_name ON by_name.id = n0.id AND ST_DistanceSphere(o.geom, ST_ClosestPoint(by_name.geom, o.geom)) <= $2
      LEFT JOIN LATERAL (
        SELECT r.id FROM river_reach r WHERE stored.id IS NULL AND o.geom IS NOT NULL ORDER BY r.geom <-> o.geom LIMIT 1) n1 ON true
      LEFT JOIN river_reach near ON near.id = n1.id AND ST_DistanceSphere(o.geom, ST_ClosestPoint(near.geom, o.geom)) <= $1`,
  [o.outfallToleranceM, o.nameToleranceM]);
  await placeOn(client, 'network_outfall', 'outfall_code', 'outfall', 'code');

  await client.query(`
    INSERT INTO network_section (section_code, reach_id, via, note)
    SELECT s.code, coalesce(stored.id, near.id),
           CASE WHEN stored.id IS NOT NULL THEN 'reach_id' WHEN near.id IS NOT NULL THEN 'nearest' ELSE 'unlinked' END,
           CASE WHEN coalesce(stored.id, near.id) IS NULL THEN 'no reach within ' || $1::float8 || ' m' END
      FROM section s
      LEFT JOIN river_reach stored ON stored.id = s.reach_id
      LEFT JOIN LATERAL (SELECT r.id FROM river_reach r WHERE stored.id IS NULL ORDER BY r.geom <-> s.geom LIMIT 1) n1 ON true
      LEFT JOIN river_reach near ON near.id = n1.id AND ST_DistanceSphere(s.geom, ST_ClosestPoint(near.geom, s.geom)) <= $1`,
  [o.sectionToleranceM]);
  await placeOn(client, 'network_section', 'section_code', 'section', 'code');

  // Sources not connected to a facility: through their outfall when it is placed, else nearest.
  await linkSourcesDirect(client, o, `s.facility_census_id IS NULL`, null);
  // Then sources connected to a facility take the facility's place, uncounted.
  await client.query(`
    INSERT INTO network_source (source_id, reach_id, pre, dist_m, via, outfall_code, facility_id, counted, offset_m)
    SELECT s.id, nf.reach_id, nf.pre, nf.dist_m, 'facility', nf.outfall_code, f.id, false, nf.offset_m
      FROM source s JOIN source f ON f.census_id = s.facility_census_id
      JOIN network_source nf ON nf.source_id = f.id AND nf.reach_id IS NOT NULL
     WHERE ${WATER_EMITTING} AND s.facility_census_id IS NOT NULL`);
  // A facility that is missing or not placed: the source falls back to its own way, noted.
  await linkSourcesDirect(client, o, `s.facility_census_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM network_source x WHERE x.source_id = s.id)`,
    `'facility ' || s.facility_census_id || ' not found or not linked'`);

  const count = async (table: string) => {
    const { rows } = await client.query<{ via: string; n: number }>(`SELECT via, count(*)::int AS n FROM ${table} GROUP BY via ORDER BY via`);
    return Object.fromEntries(rows.map((r) => [r.via, r.n]));
  };
  const { rows: unlinked } = await client.query<UnlinkedItem>(`
    SELECT * FROM (
      SELECT 'outfall' AS kind, outfall_code AS id, note FROM network_outfall WHERE pre IS NULL
      UNION ALL SELECT 'section', section_code, note FROM network_section WHERE pre IS NULL
      UNION ALL SELECT 'source', source_id::text, note FROM network_source WHERE pre IS NULL) u
    ORDER BY kind, id LIMIT 500`);
  return { outfalls: await count('network_outfall'), sections: await count('network_section'), sources: await count('network_source'), unlinked };
}

async function linkSourcesDirect(client: pg.PoolClient, o: Required<LinkOptions>, where: string, note: string | null): Promise<void> {
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
      LEFT JOIN network_outfall no ON no.outfall_code = s.outfall_code AND no.reach_id IS NOT NULL
      LEFT JOIN LATERAL (
        SELECT r.id FROM river_reach r WHERE no.reach_id IS NULL AND s.geom IS NOT NULL ORDER BY r.geom <-> s.geom LIMIT 1) n1 ON true
      LEFT JOIN river_reach near ON near.id = n1.id AND ST_DistanceSphere(s.geom, ST_ClosestPoint(near.geom, s.geom)) <= $1
     WHERE ${WATER_EMITTING} AND ${where}`, [o.sourceToleranceM]);
  // Sources placed on the nearest reach get their own position along it.
  await client.query(`
    UPDATE network_source n SET pre = nr.pre, dist_m = ${DIST_EXPR('s.geom')}, offset_m = ST_DistanceSphere(s.geom, ST_ClosestPoint(r.geom, s.geom))
      FROM source s, river_reach r, network_reach nr
     WHERE n.via = 'nearest' AND n.pre IS NULL AND s.id = n.source_id AND r.id = n.reach_id AND nr.reach_id = r.id`);
  await client.query(`
    UPDATE network_source SET note = 'reach ' || reach_id || ' does not drain to an outlet'
     WHERE via = 'nearest' AND pre IS NULL AND note IS NULL`);
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
