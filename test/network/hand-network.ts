import type pg from 'pg';

/**
 * A hand-built network on the equator, flowing east to the outlet at 0.3°E:
 *
 *            4 (支流, from 0.1°N)        5 (from 0.1°S)
 *            |                           |
 *   3 ───────┼──── 2 ──A──────── ───────┼──── 1 ──B────── (outlet)
 *  0°E     0.1°E        0.15°        0.2°E        0.25°      0.3°E
 *
 * Reaches 1–3 lie on the equator, 0.1° each. Sections A (middle of 2) and B (middle of 1) are
 * in series. S1 is upstream of both; S2 drains through outfall O1 into the tributary 4; O3 names
 * 支流 as receiving water and lies beyond the plain tolerance from it; the plant P drains
 * through O2 into 5 and treats the water of S5 and S6; S7 lies below B; S8 and O4 lie far from
 * any river.
 */
export const EQUATOR_DEG_M = (6378137 * Math.PI) / 180;

export const HAND_LOADS: Record<string, [number, number, number, number]> = {
  S1: [100, 10, 20, 1],
  S2: [50, 5, 10, 0.5],
  S3: [30, 3, 6, 0.3],
  S4: [80, 8, 16, 0.8],
  P: [40, 4, 8, 0.4],
  S5: [200, 20, 40, 2],
  S6: [150, 15, 30, 1.5],
  S7: [60, 6, 12, 0.6],
  S8: [70, 7, 14, 0.7],
  S9: [10, 1, 2, 0.1],
};

export async function loadHandNetwork(pool: pg.Pool, options: { downstream?: boolean } = {}): Promise<void> {
  const withDown = options.downstream ?? true;
  await pool.query(`
    INSERT INTO river_reach (id, name, downstream_id, geom) VALUES
      (1, '干流', NULL, ST_GeomFromText('LINESTRING(0.2 0, 0.3 0)', 4326)),
      (2, '干流', ${withDown ? 1 : 'NULL'}, ST_GeomFromText('LINESTRING(0.1 0, 0.2 0)', 4326)),
      (3, '干流', ${withDown ? 2 : 'NULL'}, ST_GeomFromText('LINESTRING(0 0, 0.1 0)', 4326)),
      (4, '支流', ${withDown ? 2 : 'NULL'}, ST_GeomFromText('LINESTRING(0.1 0.1, 0.1 0)', 4326)),
      (5, '南支', ${withDown ? 1 : 'NULL'}, ST_GeomFromText('LINESTRING(0.2 -0.1, 0.2 0)', 4326))`);
  await pool.query(`
    INSERT INTO outfall (code, name, receiving_water, reach_id, geom) VALUES
      ('O1', '一号口', NULL, NULL, ST_Point(0.1003, 0.05, 4326)),
      ('O2', '污水厂口', NULL, NULL, ST_Point(0.2, -0.05, 4326)),
      ('O3', '三号口', '支流', NULL, ST_Point(0.125, 0.06, 4326)),
      ('O4', '远口', NULL, NULL, ST_Point(3, 3, 4326))`);
  await pool.query(`
    INSERT INTO section (code, name, level, target_class, river_name, reach_id, geom) VALUES
      ('A', '上断面', 'national', 3, '干流', NULL, ST_Point(0.15, 0, 4326)),
      ('B', '下断面', 'provincial', 2, '干流', 1, ST_Point(0.25, 0, 4326))`);
  const src = (census: string, type: string, x: number, y: number, outfall: string | null, facility: string | null) => {
    const [cod, nh3n, tn, tp] = HAND_LOADS[census]!;
    return pool.query(
      `INSERT INTO source (census_id, name, source_type, geom, outfall_code, facility_census_id, cod, nh3n, tn, tp)
       VALUES ($1, $2, $3, ST_Point($4, $5, 4326), $6, $7, $8, $9, $10, $11)`,
      [census, `源${census}`, type, x, y, outfall, facility, cod, nh3n, tn, tp]);
  };
  await src('S1', 'industrial', 0.05, 0.001, null, null);
  await src('S2', 'industrial', 0.13, 0.05, 'O1', null);
  await src('S3', 'industrial', 0.18, 0.001, null, null);
  await src('S4', 'domestic', 0.12, -0.001, null, null);
  await src('P', 'centralized', 0.21, -0.06, 'O2', null);
  await src('S5', 'domestic', 0.23, -0.02, null, 'P');
  await src('S6', 'industrial', 0.05, -0.02, 'O1', 'P');
  await src('S7', 'industrial', 0.28, 0.001, null, null);
  await src('S8', 'industrial', 5, 5, null, null);
  await src('S9', 'agricultural', 0.15, 0.07, 'O3', null);
  // Not water-emitting: an air-only source and a closed one stay off the network.
  await pool.query(`INSERT INTO source (census_id, name, source_type, geom, so2) VALUES ('AIR1', '锅炉', 'industrial', ST_Point(0.15, 0.001, 4326), 5)`);
  await pool.query(`INSERT INTO source (census_id, name, source_type, geom, cod, status) VALUES ('CLOSED', '关停厂', 'industrial', ST_Point(0.15, 0.001, 4326), 5, 'closed')`);
}

export async function sourceIds(pool: pg.Pool): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ id: string; census_id: string }>(`SELECT id, census_id FROM source`);
  return new Map(rows.map((r) => [r.census_id, String(r.id)]));
}
