import type pg from 'pg';

import { AIR_POLLUTANTS, type AirPollutant } from '../model/vocabulary.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in air-contributors.sql beside it.
const FIXED_SQL = loadStatements(new URL('./air-contributors.sql', import.meta.url), ['air_contributors_select_air_station', 'air_contributors_select_air_reading']);

export { AIR_POLLUTANTS, type AirPollutant };

export interface AirOptions {
  /** Search radius around the station (km). Default 20. */
  radiusKm?: number;
  pollutant?: AirPollutant;
  /** Prevailing wind: the direction it blows FROM, degrees clockwise from north. Omit for no weighting. */
  windFromDeg?: number;
  /** Width of the upwind sector (degrees). Default 45. */
  sectorDeg?: number;
  /** Weight of sources outside the upwind sector. Default 0.25. */
  offSectorWeight?: number;
  /** Distances below this count as this (km), so a source next to the station does not take all. Default 0.5. */
  minDistanceKm?: number;
  limit?: number;
}

export interface AirContributor {
  id: string;
  name: string;
  sourceType: string;
  emission: number;
  distanceKm: number;
  /** Bearing from the station to the source, degrees clockwise from north. */
  bearingDeg: number;
  upwind: boolean | null;
  weight: number;
  /** emission / max(distance, minDistance)² × weight */
  score: number;
  share: number;
}

export interface AirStationContributors {
  station: { code: string; name: string; city: string | null; lon: number; lat: number };
  options: Required<Omit<AirOptions, 'windFromDeg'>> & { windFromDeg: number | null };
  totalScore: number;
  sourcesInRadius: number;
  contributors: AirContributor[];
  months: { month: string; pm25: number | null; pm10: number | null; o3: number | null; no2: number | null; so2: number | null; aqi: number | null }[];
}

/**
 * Sources around an air station ranked by emission over squared distance — a screening index,
 * not a dispersion model — optionally weighted towards the sector the prevailing wind comes from.
 */
export async function airContributors(pool: pg.Pool, code: string, options: AirOptions = {}): Promise<AirStationContributors | null> {
  const o = {
    radiusKm: options.radiusKm ?? 20, pollutant: options.pollutant ?? 'nox', windFromDeg: options.windFromDeg ?? null,
    sectorDeg: options.sectorDeg ?? 45, offSectorWeight: options.offSectorWeight ?? 0.25, minDistanceKm: options.minDistanceKm ?? 0.5,
    limit: options.limit ?? 50,
  };
  if (!AIR_POLLUTANTS.includes(o.pollutant)) throw new RangeError(`pollutant must be one of ${AIR_POLLUTANTS.join(', ')}`);
  const { rows: [st] } = await pool.query(
    FIXED_SQL.air_contributors_select_air_station, [code]);
  if (!st) return null;
  // The bounding box (degrees, widened for latitude) lets the spatial index cut the candidates;
  // the geodesic distance then decides.
  const degLat = o.radiusKm / 110.574;
  const degLon = o.radiusKm / (111.320 * Math.max(0.05, Math.cos((st.lat * Math.PI) / 180)));
  const { rows } = await pool.query(`
    WITH c AS (
      SELECT s.id, s.name, s.source_type, s.${o.pollutant} AS e,
             ST_Distance(st.geom::geography, s.geom::geography) / 1000 AS km,
             degrees(ST_Azimuth(st.geom::geography, s.geom::geography)) AS bearing
        FROM air_station st JOIN source s
          ON s.geom && ST_MakeEnvelope(ST_X(st.geom) - $2, ST_Y(st.geom) - $3, ST_X(st.geom) + $2, ST_Y(st.geom) + $3, 4326)
       WHERE st.code = $1 AND s.status = 'active' AND s.${o.pollutant} > 0),
    w AS (
      SELECT c.*, CASE WHEN $5::float8 IS NULL THEN NULL
                       ELSE abs(mod((coalesce(bearing, 0) - $5::float8 + 540)::numeric, 360) - 180) <= $6::float8 / 2 END AS upwind
        FROM c WHERE km <= $4),
    s AS (
      SELECT w.*, CASE WHEN upwind IS FALSE THEN $7::float8 ELSE 1 END AS weight FROM w),
    scored AS (
      SELECT s.*, e / greatest(km, $8::float8) ^ 2 * weight AS score FROM s)
    SELECT scored.*, sum(score) OVER () AS total, count(*) OVER ()::int AS n
      FROM scored ORDER BY score DESC, id LIMIT $9`,
  [code, degLon, degLat, o.radiusKm, o.windFromDeg, o.sectorDeg, o.offSectorWeight, o.minDistanceKm, o.limit]);
  const total = rows.length ? Number(rows[0].total) : 0;
  const { rows: months } = await pool.query(
    FIXED_SQL.air_contributors_select_air_reading, [code]);
  return {
    station: { code: st.code, name: st.name, city: st.city, lon: st.lon, lat: st.lat },
    options: o,
    totalScore: total,
    sourcesInRadius: rows.length ? rows[0].n : 0,
    contributors: rows.map((r) => ({
      id: String(r.id), name: r.name, sourceType: r.source_type, emission: r.e, distanceKm: r.km, bearingDeg: r.bearing ?? 0,
      upwind: r.upwind, weight: r.weight, score: r.score, share: total > 0 ? r.score / total : 0,
    })),
    months,
  };
}
