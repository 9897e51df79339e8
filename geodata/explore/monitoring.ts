import type pg from 'pg';

/** A section with its latest month's class, for colouring against its target. */
export interface SectionStatus {
  readonly code: string;
  readonly name: string;
  readonly level: string;
  readonly river_name: string | null;
  readonly target_class: number;
  readonly latest_class: number | null;
  readonly month: string | null;
  readonly lng: number;
  readonly lat: number;
}

export interface StationStatus {
  readonly code: string;
  readonly name: string;
  readonly city: string | null;
  readonly aqi: number | null;
  readonly month: string | null;
  readonly lng: number;
  readonly lat: number;
}

/** Choices for the filter panel: counties and basins that exist in the data. */
export interface FilterOptions {
  readonly divisions: readonly { code: string; name: string; level: string }[];
  readonly basins: readonly { code: string; name: string; level: number }[];
  readonly bounds: [number, number, number, number] | null;
}

// Monitoring tables hold hundreds of points, so the client takes them whole as JSON; only the
// latest reading of each is joined here.
const SECTIONS_SQL = `
  SELECT t.code, t.name, t.level, t.river_name, t.target_class::int, r.water_class::int AS latest_class,
         to_char(r.month, 'YYYY-MM') AS month, ST_X(t.geom) AS lng, ST_Y(t.geom) AS lat
  FROM section t
  LEFT JOIN LATERAL (SELECT water_class, month FROM section_reading r WHERE r.section_code = t.code AND r.water_class IS NOT NULL
                     ORDER BY month DESC LIMIT 1) r ON true
  ORDER BY t.code`;

const STATIONS_SQL = `
  SELECT a.code, a.name, a.city, r.aqi, to_char(r.month, 'YYYY-MM') AS month, ST_X(a.geom) AS lng, ST_Y(a.geom) AS lat
  FROM air_station a
  LEFT JOIN LATERAL (SELECT aqi, month FROM air_reading r WHERE r.station_code = a.code AND r.aqi IS NOT NULL
                     ORDER BY month DESC LIMIT 1) r ON true
  ORDER BY a.code`;

const DIVISIONS_SQL = `SELECT code, name, level FROM division WHERE level IN ('province', 'city', 'county') ORDER BY code`;
const BASINS_SQL = `SELECT code, name, level FROM basin ORDER BY level, code`;
const BOUNDS_SQL = `SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
  FROM (SELECT ST_Extent(geom) AS e FROM division WHERE level IN ('province', 'city', 'county')) q`;

export async function monitoringStatus(pool: pg.Pool): Promise<{ sections: SectionStatus[]; stations: StationStatus[] }> {
  const sections = await pool.query<SectionStatus>(SECTIONS_SQL);
  const stations = await pool.query<StationStatus>(STATIONS_SQL);
  return {
    sections: sections.rows.map((r) => ({ ...r, lng: Number(r.lng), lat: Number(r.lat) })),
    stations: stations.rows.map((r) => ({ ...r, aqi: r.aqi === null ? null : Number(r.aqi), lng: Number(r.lng), lat: Number(r.lat) })),
  };
}

export async function filterOptions(pool: pg.Pool): Promise<FilterOptions> {
  const divisions = await pool.query<{ code: string; name: string; level: string }>(DIVISIONS_SQL);
  const basins = await pool.query<{ code: string; name: string; level: number }>(BASINS_SQL);
  const b = (await pool.query<{ x0: number | null; y0: number; x1: number; y1: number }>(BOUNDS_SQL)).rows[0];
  return {
    divisions: divisions.rows,
    basins: basins.rows,
    bounds: b && b.x0 !== null ? [Number(b.x0), Number(b.y0), Number(b.x1), Number(b.y1)] : null,
  };
}
