import { CHECKS, COORDINATE_CHECKS } from './check-catalog.ts';

/**
 * The checks as set-based SQL. Each statement covers a whole scope (a county's sources, one
 * source, all outfalls, all batches) and upserts its findings, so a run is a handful of
 * statements per county rather than a query per source. Text is assembled only from the
 * static pieces below and the check catalog, never from input.
 *
 * Parameters of the source statements: $1 run id, $2 scope value (county prefix 'NNNNNN%',
 * a source id, or NULL for sources without a division), $3..$6 region west/south/east/north
 * (NULL: no region check), $7 far-from-outfall distance in metres.
 */
export type SourceScope = 'county' | 'source' | 'no_division';

const SCOPES: Readonly<Record<SourceScope, string>> = {
  county: 's.division_code LIKE $2::text',
  source: 's.id = $2::bigint',
  no_division: 's.division_code IS NULL AND $2::text IS NULL',
};

// Severity comes from the catalog, joined in so that the SQL never disagrees with it.
const SEVERITY_VALUES = CHECKS.map((c) => `('${c.code}', '${c.severity}')`).join(', ');

const UPSERT = `
ON CONFLICT (subject_kind, subject_key, check_code) DO UPDATE SET
  source_id = EXCLUDED.source_id, severity = EXCLUDED.severity, distance_m = EXCLUDED.distance_m,
  suggested = EXCLUDED.suggested, details = EXCLUDED.details, run_id = EXCLUDED.run_id,
  -- A reviewer's "accepted" or "field check" stands; a fixed finding that fires again reopens.
  status = CASE WHEN review_finding.status = 'fixed' THEN 'open' ELSE review_finding.status END`;

/** Every per-source check except stacking (which needs all sources, see STACK_SQL). */
export function sourceChecksSql(scope: SourceScope): string {
  return `
WITH src AS (
  SELECT s.id, s.geom AS g, s.zone_code, s.division_code, s.entered_x, s.entered_y, s.outfall_code,
         z.geom AS zg, d.geom AS dg,
         (s.zone_code IS NOT NULL AND z.code IS NULL) AS zone_unknown,
         (s.division_code IS NOT NULL AND d.code IS NULL) AS division_unknown
  FROM source s
  LEFT JOIN census_zone z ON z.code = s.zone_code
  LEFT JOIN division d ON d.code = s.division_code
  WHERE s.status IN ('active', 'closed') AND ${SCOPES[scope]}
),
v AS (
  SELECT src.*, COALESCE(zg, dg) AS tg,
    CASE WHEN g IS NULL THEN 'empty'
         WHEN ST_X(g) = 0 OR ST_Y(g) = 0 THEN 'zero'
         WHEN ST_X(g) NOT BETWEEN -180 AND 180 OR ST_Y(g) NOT BETWEEN -90 AND 90 THEN 'range'
         ELSE 'ok' END AS validity
  FROM src
),
p AS (
  SELECT v.*,
    -- A point on the boundary counts as inside; "on" allows for the last bits of floating
    -- point, which can leave a point typed on an edge a hair (1e-9°, 0.1 mm) off it.
    CASE WHEN validity = 'ok' AND tg IS NOT NULL THEN
      CASE WHEN ST_Intersects(tg, g) THEN true ELSE ST_DWithin(tg, g, 1e-9) END END AS in_target,
    (validity = 'ok' AND ($3::float8 IS NULL OR (ST_X(g) BETWEEN $3::float8 AND $5::float8 AND ST_Y(g) BETWEEN $4::float8 AND $6::float8))) AS in_region
  FROM v
),
cand AS (
  SELECT p.id, p.g, p.tg, p.validity,
    ST_SetSRID(ST_MakePoint(ST_Y(g), ST_X(g)), 4326) AS sw,
    CASE WHEN validity = 'ok' THEN ST_SetSRID(ST_MakePoint(review_dms_reread(ST_X(g)), review_dms_reread(ST_Y(g))), 4326) END AS dm,
    CASE WHEN validity = 'ok' THEN review_gcj02_to_wgs84(g) END AS gc,
    CASE WHEN validity = 'ok' THEN review_bd09_to_wgs84(g) END AS bd
  FROM p
  WHERE tg IS NOT NULL AND validity IN ('ok', 'range') AND NOT coalesce(in_target, false)
),
fixes AS (
  SELECT id, g, tg, validity, 'swapped_lat_lon' AS code, sw AS pt, 1 AS prio FROM cand WHERE ST_Intersects(tg, sw)
  UNION ALL
  SELECT id, g, tg, validity, 'dms_slip', dm, 2 FROM cand WHERE dm IS NOT NULL AND ST_Intersects(tg, dm)
  UNION ALL
  SELECT id, g, tg, validity, 'gcj02_as_wgs84', gc, 3 FROM cand WHERE gc IS NOT NULL AND ST_Intersects(tg, gc)
  UNION ALL
  SELECT id, g, tg, validity, 'bd09_as_wgs84', bd, 4 FROM cand WHERE bd IS NOT NULL AND ST_Intersects(tg, bd)
),
fix AS (
  -- Every reading that puts the point in its declared area is a candidate, with its shift. One
  -- candidate is the suggestion; with several (both datums can land inside a district-sized
  -- zone, 600-960 m apart) there is none: the finding is ambiguous and the reviewer picks. The
  -- finding's code is the first candidate by the order above, so the list can still group it.
  SELECT DISTINCT ON (id) id, code, pt, g, tg, validity,
    array_remove(array_agg(code) OVER w, code) AS alternatives,
    count(*) OVER w AS n,
    jsonb_agg(jsonb_strip_nulls(jsonb_build_object('code', code, 'lon', round(ST_X(pt)::numeric, 7), 'lat', round(ST_Y(pt)::numeric, 7),
      'shift_m', CASE WHEN validity = 'ok' THEN round(ST_Length(ST_MakeLine(g, pt)::geography)::numeric, 1) END))) OVER w AS candidates
  FROM fixes
  WINDOW w AS (PARTITION BY id ORDER BY prio ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  ORDER BY id, prio
),
dc AS MATERIALIZED (
  SELECT d.code, d.level, ST_Centroid(d.geom) AS c
  FROM division d
  WHERE d.level IN ('township', 'county')
    AND d.code IN (SELECT division_code FROM src UNION SELECT left(division_code, 6) FROM src)
),
cent AS (
  -- Two equality joins (the township, then the county) keep this a hash join.
  SELECT DISTINCT ON (id) id, code, level, ST_Length(ST_MakeLine(c, g)::geography) AS dist
  FROM (
    SELECT p.id, p.g, dc.code, dc.level, dc.c FROM p JOIN dc ON dc.code = p.division_code
    WHERE p.validity = 'ok' AND ST_DWithin(dc.c, p.g, 0.0002)
    UNION ALL
    SELECT p.id, p.g, dc.code, dc.level, dc.c FROM p JOIN dc ON dc.code = left(p.division_code, 6)
    WHERE p.validity = 'ok' AND length(p.division_code) > 6 AND ST_DWithin(dc.c, p.g, 0.0002)
  ) hits
  ORDER BY id, level DESC
),
stk AS (
  SELECT f.source_id AS id FROM review_finding f WHERE f.check_code = 'stacked_point' AND f.run_id = $1
),
-- Points with a valid position, in the region, that no correction or placeholder explains.
-- (NOT IN over the small explained sets is always a hashed subplan; an anti-join on a CTE
-- estimated at one row can turn into a nested loop over every source.)
plain AS (
  SELECT p.* FROM p
  WHERE p.validity = 'ok' AND p.in_region
    AND p.id NOT IN (SELECT id FROM fix)
    AND p.id NOT IN (SELECT id FROM cent)
    AND p.id NOT IN (SELECT id FROM stk)
),
-- Outside the declared area, or no area declared at all.
astray AS (
  SELECT plain.*,
    NOT EXISTS (SELECT 1 FROM census_zone z WHERE ST_Intersects(z.geom, plain.g)) AS no_zone
  FROM plain WHERE NOT coalesce(in_target, false)
),
findings AS (
  -- The text as entered when it could not be read as a point (half empty, 113°65', "abc").
  SELECT id, 'coord_empty' AS code, NULL::float8 AS dist, NULL::geometry AS sug, jsonb_strip_nulls(jsonb_build_object('x', entered_x, 'y', entered_y)) AS det
  FROM v WHERE validity = 'empty'
  UNION ALL
  SELECT id, 'coord_zero', NULL, NULL, jsonb_build_object('x', ST_X(g), 'y', ST_Y(g)) FROM v WHERE validity = 'zero'
  UNION ALL
  SELECT id, 'coord_out_of_range', NULL, NULL, jsonb_build_object('x', ST_X(g), 'y', ST_Y(g))
  FROM v WHERE validity = 'range' AND v.id NOT IN (SELECT id FROM fix)
  UNION ALL
  SELECT id, 'outside_region', NULL, NULL, jsonb_build_object('x', ST_X(g), 'y', ST_Y(g))
  FROM p WHERE validity = 'ok' AND NOT in_region AND p.id NOT IN (SELECT id FROM fix)
  UNION ALL
  SELECT id, code,
    CASE WHEN validity = 'ok' THEN ST_Length(ST_ShortestLine(tg, g)::geography) END,
    CASE WHEN n = 1 THEN pt END,
    jsonb_strip_nulls(jsonb_build_object(
      'shift_m', CASE WHEN validity = 'ok' AND n = 1 THEN round(ST_Length(ST_MakeLine(g, pt)::geography)::numeric, 1) END,
      'alternatives', CASE WHEN cardinality(alternatives) > 0 THEN to_jsonb(alternatives) END,
      'candidates', candidates,
      'ambiguous', CASE WHEN n > 1 THEN true END))
  FROM fix
  UNION ALL
  SELECT id, 'division_centroid', dist, NULL, jsonb_build_object('division', code, 'level', level) FROM cent
  UNION ALL
  SELECT id, 'outside_declared_zone', ST_Length(ST_ShortestLine(zg, g)::geography), NULL, jsonb_build_object('zone', zone_code)
  FROM astray WHERE zg IS NOT NULL
  UNION ALL
  SELECT id, 'outside_declared_division', ST_Length(ST_ShortestLine(dg, g)::geography), NULL, jsonb_build_object('division', division_code)
  FROM astray WHERE dg IS NOT NULL AND NOT ST_Intersects(dg, g) AND NOT ST_DWithin(dg, g, 1e-9)
  UNION ALL
  SELECT id, 'in_no_zone', NULL, NULL, '{}'::jsonb FROM astray WHERE no_zone
  UNION ALL
  SELECT id, 'declared_area_unknown', NULL, NULL,
    jsonb_strip_nulls(jsonb_build_object('zone', CASE WHEN zone_unknown THEN zone_code END, 'division', CASE WHEN division_unknown THEN division_code END))
  FROM src WHERE zone_unknown OR division_unknown
  UNION ALL
  SELECT id, 'low_precision', NULL, NULL, jsonb_build_object('x', coalesce(entered_x, ST_X(g)::text), 'y', coalesce(entered_y, ST_Y(g)::text))
  FROM v
  WHERE validity = 'ok'
    AND coalesce(length(substring(CASE WHEN entered_x ~ '^\\s*-?[0-9]+(\\.[0-9]*)?\\s*$' THEN trim(entered_x) ELSE ST_X(g)::text END FROM '\\.([0-9]*)$')), 0) <= 2
    AND coalesce(length(substring(CASE WHEN entered_y ~ '^\\s*-?[0-9]+(\\.[0-9]*)?\\s*$' THEN trim(entered_y) ELSE ST_Y(g)::text END FROM '\\.([0-9]*)$')), 0) <= 2
  UNION ALL
  SELECT p.id, 'source_far_from_outfall', ST_Length(ST_MakeLine(o.geom, p.g)::geography), NULL, jsonb_build_object('outfall', o.code)
  FROM p JOIN outfall o ON o.code = p.outfall_code
  WHERE p.validity = 'ok' AND o.geom IS NOT NULL
    AND p.id NOT IN (SELECT id FROM fix)
    -- A degree of latitude is at most 111.7 km, so nothing within the limit is dropped here.
    AND NOT ST_DWithin(o.geom, p.g, $7::float8 / 111700.0)
    AND ST_Length(ST_MakeLine(o.geom, p.g)::geography) > $7::float8
)
INSERT INTO review_finding (subject_kind, subject_key, source_id, check_code, severity, distance_m, suggested, details, run_id)
SELECT 'source', f.id::text, f.id, f.code, sev.severity, f.dist, f.sug, f.det, $1
FROM findings f JOIN (VALUES ${SEVERITY_VALUES}) AS sev(code, severity) ON sev.code = f.code
${UPSERT}`;
}

// The per-source coordinate checks' codes: their stale findings are this statement's to drop
// (stacking and the attribute screening drop their own).
const SOURCE_CHECK_CODES = COORDINATE_CHECKS.filter((c) => c.subject === 'source' && c.code !== 'stacked_point').map((c) => `'${c.code}'`).join(', ');

/** Drops the scope's open source findings this run no longer raises; a field check that no longer fires is fixed. */
export function staleSourceFindingsSql(scope: SourceScope): string[] {
  const where = `f.source_id = s.id AND ${SCOPES[scope]} AND f.subject_kind = 'source'
    AND f.check_code IN (${SOURCE_CHECK_CODES}) AND f.run_id <> $1::bigint`;
  return [
    `DELETE FROM review_finding f USING source s WHERE ${where} AND f.status = 'open'`,
    `UPDATE review_finding f SET status = 'fixed' FROM source s WHERE ${where} AND f.status = 'field_check'`,
  ];
}

/**
 * Stacked points: exact coordinates shared by sources with at least $2 different names.
 * Scope 'all', or only the sources at two given points ($3,$4 and $5,$6: a source's place
 * before and after an edit).
 */
export function stackSql(scope: 'all' | 'points'): string {
  const at = scope === 'all' ? '' :
    `AND (geom && ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4326) OR geom && ST_SetSRID(ST_MakePoint($5::float8, $6::float8), 4326))`;
  return `
WITH pts AS (
  SELECT ST_X(geom) AS x, ST_Y(geom) AS y, count(*) AS n, count(DISTINCT name) AS names
  FROM source
  WHERE status IN ('active', 'closed') AND geom IS NOT NULL AND ST_X(geom) <> 0 AND ST_Y(geom) <> 0 ${at}
  GROUP BY 1, 2
  HAVING count(DISTINCT name) >= $2::int
)
INSERT INTO review_finding (subject_kind, subject_key, source_id, check_code, severity, distance_m, suggested, details, run_id)
SELECT 'source', s.id::text, s.id, 'stacked_point', 'warning', NULL, NULL, jsonb_build_object('stacked', pts.n, 'names', pts.names), $1
FROM pts JOIN source s ON s.status IN ('active', 'closed') AND ST_X(s.geom) = pts.x AND ST_Y(s.geom) = pts.y
${UPSERT}`;
}

export function staleStackSql(scope: 'all' | 'points'): string {
  const at = scope === 'all' ? 'AND $2::int IS NOT NULL' :
    `AND s.geom IS NOT NULL AND (s.geom && ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4326) OR s.geom && ST_SetSRID(ST_MakePoint($5::float8, $6::float8), 4326)
         OR s.id = $7::bigint) AND $2::int IS NOT NULL`;
  return `DELETE FROM review_finding f USING source s
    WHERE f.source_id = s.id AND f.check_code = 'stacked_point' AND f.status = 'open' AND f.run_id <> $1::bigint ${at}`;
}

/** Outfalls farther than $2 metres from the nearest river reach (none checked when there are no rivers). */
export const OUTFALL_SQL = `
WITH near AS (
  SELECT o.code, n.id AS reach_id, ST_Length(ST_ShortestLine(n.geom, o.geom)::geography) AS dist
  FROM outfall o
  CROSS JOIN LATERAL (SELECT r.id, r.geom FROM river_reach r ORDER BY r.geom <-> o.geom LIMIT 1) n
  WHERE o.geom IS NOT NULL
)
INSERT INTO review_finding (subject_kind, subject_key, source_id, check_code, severity, distance_m, suggested, details, run_id)
SELECT 'outfall', code, NULL, 'outfall_far_from_river', 'warning', dist, NULL, jsonb_build_object('reach_id', reach_id), $1
FROM near WHERE dist > $2::float8
${UPSERT}`;

/**
 * Batch-level patterns. Datum: at least $2 sources of one import batch or one district, and
 * a share of at least $3 of its placed sources, found GCJ-02/BD-09 shifted. Degree-minutes:
 * an import batch of at least $4 placed sources whose minute and second digits never pass 59.
 */
export const PATTERN_SQL = `
WITH shifted AS (
  SELECT source_id FROM review_finding WHERE run_id = $1 AND check_code IN ('gcj02_as_wgs84', 'bd09_as_wgs84')
),
placed AS (
  SELECT s.id, s.import_batch, left(s.division_code, 6) AS county, ST_X(s.geom) AS x, ST_Y(s.geom) AS y,
         sh.source_id IS NOT NULL AS is_shifted
  FROM source s LEFT JOIN shifted sh ON sh.source_id = s.id
  WHERE s.status IN ('active', 'closed') AND s.geom IS NOT NULL AND ST_X(s.geom) <> 0 AND ST_Y(s.geom) <> 0
),
by_batch AS (
  SELECT 'import_batch' AS kind, import_batch::text AS key, count(*) AS n, count(*) FILTER (WHERE is_shifted) AS shifted,
    -- The minute and second digit pairs of both axes never pass 59 (inline: a function call
    -- per value costs more than the whole scan).
    bool_and(trunc(abs(x) * 100 + 1e-9) - trunc(abs(x)) * 100 <= 59 AND abs(x) * 10000 - trunc(abs(x) * 100 + 1e-9) * 100 < 60
         AND trunc(abs(y) * 100 + 1e-9) - trunc(abs(y)) * 100 <= 59 AND abs(y) * 10000 - trunc(abs(y) * 100 + 1e-9) * 100 < 60) AS all_dms
  FROM placed WHERE import_batch IS NOT NULL GROUP BY import_batch
),
by_county AS (
  SELECT 'division' AS kind, county AS key, count(*) AS n, count(*) FILTER (WHERE is_shifted) AS shifted, false AS all_dms
  FROM placed WHERE county IS NOT NULL GROUP BY county
),
hits AS (
  SELECT kind, key, 'datum_batch_pattern' AS code, jsonb_build_object('sources', n, 'shifted', shifted, 'share', round(shifted::numeric / n, 3)) AS det
  FROM (SELECT * FROM by_batch UNION ALL SELECT * FROM by_county) g
  WHERE shifted >= $2::int AND shifted::float8 / n >= $3::float8
  UNION ALL
  SELECT kind, key, 'dms_batch_pattern', jsonb_build_object('sources', n)
  FROM by_batch WHERE all_dms AND n >= $4::int
)
INSERT INTO review_finding (subject_kind, subject_key, source_id, check_code, severity, distance_m, suggested, details, run_id)
SELECT h.kind, h.key, NULL, h.code, sev.severity, NULL, NULL, h.det, $1
FROM hits h JOIN (VALUES ${SEVERITY_VALUES}) AS sev(code, severity) ON sev.code = h.code
${UPSERT}`;

/** After a full run: open group and outfall findings the run no longer raises. */
export const STALE_GROUP_SQL = `DELETE FROM review_finding
  WHERE subject_kind <> 'source' AND run_id <> $1::bigint AND status = 'open'`;
