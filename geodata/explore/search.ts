import type pg from 'pg';
import type { RecordKind } from '../model/vocabulary.ts';

/** One search hit: enough to list it, fly to it and open its panel. */
export interface SearchHit {
  readonly layer: FeatureLayer;
  readonly id: string;
  readonly name: string;
  /** A second line: the source type, the county code, the river, the city. */
  readonly detail: string | null;
  readonly lng: number;
  readonly lat: number;
  /** [minLng, minLat, maxLng, maxLat] for areas, null for points. */
  readonly bbox: [number, number, number, number] | null;
}

/** What a hit is: a stored record kind of the vocabulary (the feature-detail route's layer). */
export type FeatureLayer = RecordKind;

/**
 * The layers small enough to scan (sections, stations, outfalls, divisions, basins, rivers), one
 * UNION ALL branch each; they read the `q` row ($1 text, $2 ILIKE pattern, $3 limit) of the
 * statement they end. Exported for the search benchmark, which puts its old source and zone
 * branches before them.
 */
export const SCANNED_LAYERS_SQL = `
  (SELECT 'section', t.code, t.name, t.river_name, ST_X(t.geom), ST_Y(t.geom), NULL, CASE WHEN t.code = q.exact THEN 0 ELSE 1 END
     FROM section t, q
    WHERE t.code = q.exact OR t.name ILIKE q.pattern
    ORDER BY length(t.name)
    LIMIT (SELECT lim FROM q))
  UNION ALL
  (SELECT 'air_station', a.code, a.name, a.city, ST_X(a.geom), ST_Y(a.geom), NULL, CASE WHEN a.code = q.exact THEN 0 ELSE 1 END
     FROM air_station a, q
    WHERE a.code = q.exact OR a.name ILIKE q.pattern
    ORDER BY length(a.name)
    LIMIT (SELECT lim FROM q))
  UNION ALL
  (SELECT 'outfall', o.code, coalesce(o.name, o.code), o.receiving_water, ST_X(o.geom), ST_Y(o.geom), NULL, CASE WHEN o.code = q.exact THEN 0 ELSE 1 END
     FROM outfall o, q
    WHERE o.geom IS NOT NULL AND (o.code = q.exact OR o.name ILIKE q.pattern)
    ORDER BY length(o.name)
    LIMIT (SELECT lim FROM q))
  UNION ALL
  (SELECT 'division', d.code, d.name, d.level, ST_X(ST_PointOnSurface(d.geom)), ST_Y(ST_PointOnSurface(d.geom)),
          ARRAY[ST_XMin(d.geom), ST_YMin(d.geom), ST_XMax(d.geom), ST_YMax(d.geom)], CASE WHEN d.code = q.exact THEN 0 ELSE 1 END
     FROM division d, q
    WHERE d.geom IS NOT NULL AND (d.code = q.exact OR d.name ILIKE q.pattern)
    ORDER BY length(d.code), d.code
    LIMIT (SELECT lim FROM q))
  UNION ALL
  (SELECT 'basin', b.code, b.name, NULL, ST_X(ST_PointOnSurface(b.geom)), ST_Y(ST_PointOnSurface(b.geom)),
          ARRAY[ST_XMin(b.geom), ST_YMin(b.geom), ST_XMax(b.geom), ST_YMax(b.geom)], CASE WHEN b.code = q.exact THEN 0 ELSE 1 END
     FROM basin b, q
    WHERE b.geom IS NOT NULL AND (b.code = q.exact OR b.name ILIKE q.pattern)
    LIMIT (SELECT lim FROM q))
  UNION ALL
  (SELECT DISTINCT ON (r.name) 'river_reach', r.id::text, r.name, r.basin_code, ST_X(ST_LineInterpolatePoint(r.geom, 0.5)),
          ST_Y(ST_LineInterpolatePoint(r.geom, 0.5)), ARRAY[ST_XMin(r.geom), ST_YMin(r.geom), ST_XMax(r.geom), ST_YMax(r.geom)], 1
     FROM river_reach r, q
    WHERE r.name ILIKE q.pattern
    ORDER BY r.name, r.stream_order DESC NULLS LAST
    LIMIT (SELECT lim FROM q))`;

// Exact identifiers (census id, credit code, zone code, section code) rank before name matches;
// names match anywhere, shortest first, so "石化" finds 某某石化有限公司; census zones by code. Sources
// and zones are found through search_source_ids and search_zone_codes (migration 010: indexes of
// name bigrams), which apply the request's scope themselves; the joins back run under RLS.
const SEARCH_SQL = `
  WITH q AS (SELECT $1::text AS exact, $2::text AS pattern, $3::int AS lim)
  (SELECT 'source' AS layer, s.census_id AS id, s.name, s.source_type AS detail, ST_X(s.geom) AS lng, ST_Y(s.geom) AS lat,
          NULL::float8[] AS bbox, 0 AS rank
     FROM source s
    WHERE s.status <> 'deleted' AND s.geom IS NOT NULL AND (s.census_id = $1::text OR s.credit_code = upper($1::text))
    LIMIT $3::int)
  UNION ALL
  (SELECT 'source', s.census_id, s.name, s.source_type, ST_X(s.geom), ST_Y(s.geom), NULL, 2
     FROM search_source_ids($1::text, $3::int) WITH ORDINALITY AS h(id, ord)
     JOIN source s ON s.id = h.id
    WHERE s.status <> 'deleted' AND s.geom IS NOT NULL
    ORDER BY h.ord)
  UNION ALL
  (SELECT 'census_zone', z.code, coalesce(z.name, z.code), z.county_code, ST_X(ST_PointOnSurface(z.geom)), ST_Y(ST_PointOnSurface(z.geom)),
          ARRAY[ST_XMin(z.geom), ST_YMin(z.geom), ST_XMax(z.geom), ST_YMax(z.geom)], CASE WHEN z.code = $1::text THEN 0 ELSE 1 END
     FROM search_zone_codes($1::text, $3::int) WITH ORDINALITY AS h(code, ord)
     JOIN census_zone z ON z.code = h.code
    WHERE z.geom IS NOT NULL
    ORDER BY h.ord)
  UNION ALL ${SCANNED_LAYERS_SQL}`;

/** Finds sources, zones, sections, stations, outfalls, divisions, basins and rivers by name or code. */
export function searchFeatures(pool: pg.Pool, text: string, limit = 20): Promise<SearchHit[]> {
  return runSearch(pool, SEARCH_SQL, text, limit);
}

/**
 * Runs a search statement ($1 the trimmed text, $2 its ILIKE pattern with % and _ taken
 * literally, $3 the limit; rows with a rank) and lists its hits: by rank, then by layer.
 */
export async function runSearch(pool: pg.Pool, sql: string, text: string, limit: number): Promise<SearchHit[]> {
  const q = text.trim();
  if (q.length === 0) return [];
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await pool.query<SearchRow>(sql, [q, pattern, limit]);
  return rows
    .sort((a, b) => a.rank - b.rank || LAYER_RANK[a.layer] - LAYER_RANK[b.layer])
    .slice(0, limit)
    .map((r) => ({
      layer: r.layer,
      id: r.id,
      name: r.name,
      detail: r.detail,
      lng: Number(r.lng),
      lat: Number(r.lat),
      bbox: r.bbox ? (r.bbox.map(Number) as [number, number, number, number]) : null,
    }));
}

/** Among equally good hits, what a census user most often looks for comes first. Keyed by every kind, so a new one must be ranked. */
const LAYER_RANK: Readonly<Record<FeatureLayer, number>> = {
  source: 0, section: 1, air_station: 2, outfall: 3, census_zone: 4, division: 5, basin: 6, river_reach: 7,
};

interface SearchRow {
  layer: FeatureLayer;
  id: string;
  name: string;
  detail: string | null;
  lng: number;
  lat: number;
  bbox: number[] | null;
  rank: number;
}
