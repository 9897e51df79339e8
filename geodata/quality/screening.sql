-- Attribute screening (疑似错误筛查): every check in one set-based statement over the sources,
-- upserting findings like the coordinate checks (geodata/review/check-sql.ts).
-- $1 run id, $2 robust z-score threshold, $3 fewest peers a peer group needs,
-- $4 distance (m) within which one normalised name is a duplicate.
WITH base AS (
  SELECT s.id, s.census_id, s.name, s.name_key, s.credit_code, s.source_type, s.industry_code, s.division_code,
         s.geom, s.status, s.status_reason, s.output_value,
         s.cod, s.nh3n, s.tn, s.tp, s.so2, s.nox, s.pm, s.vocs
  FROM source s
  WHERE s.status IN ('active', 'stopped', 'closed', 'other')
),
-- One row per industrial source and reported pollutant, in logs: emissions are log-normal
-- across a sector, so deviations are judged as ratios.
em AS (
  SELECT b.id, left(b.division_code, 2) AS province, b.industry_code AS i4, left(b.industry_code, 2) AS i2,
         p.code, p.v, ln(p.v) AS lv, CASE WHEN b.output_value > 0 THEN ln(p.v / b.output_value) END AS li
  FROM base b
  CROSS JOIN LATERAL (VALUES ('cod', b.cod), ('nh3n', b.nh3n), ('tn', b.tn), ('tp', b.tp),
                             ('so2', b.so2), ('nox', b.nox), ('pm', b.pm), ('vocs', b.vocs)) AS p(code, v)
  WHERE b.source_type = 'industrial' AND b.industry_code IS NOT NULL AND b.division_code IS NOT NULL AND p.v > 0
),
-- Peer statistics from counts per bin of the logs (1/500 of a log unit, so a median or a MAD
-- is off by at most 0.1 % of the value), not from sorting every row: one GROUP BY over the
-- rows gives the 4-digit groups' bins, the 2-digit groups' bins are sums of those, and the
-- medians and MADs come from running counts over the bins. Sorting every row per group twice
-- (percentile_cont for the median, then for the deviations) took 67 times a plain GROUP BY
-- at 600k sources. 'v' bins the emission, 'i' the intensity (emission per output value).
b4 AS (
  SELECT province, i4, code, 'v' AS what, round(lv * 500)::bigint AS bin, count(*) AS c FROM em GROUP BY province, i4, code, bin
  UNION ALL
  SELECT province, i4, code, 'i', round(li * 500)::bigint AS bin, count(*) FROM em WHERE li IS NOT NULL GROUP BY province, i4, code, bin
),
bins AS (
  SELECT province, 4 AS digits, i4 AS grp, code, what, bin, c FROM b4
  UNION ALL
  SELECT province, 2, left(i4, 2), code, what, bin, sum(c)::bigint FROM b4 GROUP BY province, left(i4, 2), code, what, bin
),
run AS (
  SELECT bins.*, sum(c) OVER (PARTITION BY province, digits, grp, code, what ORDER BY bin) AS upto,
         (sum(c) OVER (PARTITION BY province, digits, grp, code, what))::bigint AS n
  FROM bins
),
-- The middle value's bin (odd n), or the two middle values' bins (even n), as percentile_cont
-- (n is a whole number, so (n + 1) / 2 and n / 2 + 1 are the middle ranks).
med AS (
  SELECT province, digits, grp, code, what, n,
         min(bin) FILTER (WHERE upto >= (n + 1) / 2) AS lo, min(bin) FILTER (WHERE upto >= n / 2 + 1) AS hi
  FROM run GROUP BY province, digits, grp, code, what, n
),
-- Deviations from the median in half bins (the median may lie between two bins), counted up
-- from the nearest.
devrun AS (
  SELECT b.province, b.digits, b.grp, b.code, b.what, m.n, m.lo, m.hi, abs(2 * b.bin - m.lo - m.hi) AS d2,
         sum(b.c) OVER (PARTITION BY b.province, b.digits, b.grp, b.code, b.what ORDER BY abs(2 * b.bin - m.lo - m.hi)) AS upto
  FROM bins b JOIN med m USING (province, digits, grp, code, what)
),
stat AS (
  SELECT province, digits, grp, code, what, n, (lo + hi) / 1000.0 AS m,
         (min(d2) FILTER (WHERE upto >= (n + 1) / 2) + min(d2) FILTER (WHERE upto >= n / 2 + 1)) / 2000.0 AS d
  FROM devrun GROUP BY province, digits, grp, code, what, n, lo, hi
),
-- Plain equi-joins on the group keys: hash joins. (A LATERAL pick of the group was planned as a
-- nested loop over the statistics, 1.5 million times.)
peer AS (
  SELECT e.id, e.code, e.v, CASE WHEN s4.n >= $3::int THEN 4 ELSE 2 END AS digits, CASE WHEN s4.n >= $3::int THEN e.i4 ELSE e.i2 END AS grp,
         CASE WHEN s4.n >= $3::int THEN s4.n ELSE s2.n END AS n,
         exp(CASE WHEN s4.n >= $3::int THEN s4.m ELSE s2.m END) AS peer_median,
         0.6745 * (e.lv - CASE WHEN s4.n >= $3::int THEN s4.m ELSE s2.m END) / nullif(CASE WHEN s4.n >= $3::int THEN s4.d ELSE s2.d END, 0) AS z
  FROM em e
  LEFT JOIN stat s4 ON s4.what = 'v' AND s4.digits = 4 AND s4.province = e.province AND s4.grp = e.i4 AND s4.code = e.code
  LEFT JOIN stat s2 ON s2.what = 'v' AND s2.digits = 2 AND s2.province = e.province AND s2.grp = e.i2 AND s2.code = e.code
  WHERE s4.n >= $3::int OR s2.n >= $3::int
),
intensity AS (
  SELECT e.id, e.code, e.v, CASE WHEN s4.n >= $3::int THEN 4 ELSE 2 END AS digits, CASE WHEN s4.n >= $3::int THEN e.i4 ELSE e.i2 END AS grp,
         CASE WHEN s4.n >= $3::int THEN s4.n ELSE s2.n END AS n,
         exp(CASE WHEN s4.n >= $3::int THEN s4.m ELSE s2.m END) AS peer_median, exp(e.li) AS value,
         0.6745 * (e.li - CASE WHEN s4.n >= $3::int THEN s4.m ELSE s2.m END) / nullif(CASE WHEN s4.n >= $3::int THEN s4.d ELSE s2.d END, 0) AS z
  FROM em e
  LEFT JOIN stat s4 ON s4.what = 'i' AND s4.digits = 4 AND s4.province = e.province AND s4.grp = e.i4 AND s4.code = e.code
  LEFT JOIN stat s2 ON s2.what = 'i' AND s2.digits = 2 AND s2.province = e.province AND s2.grp = e.i2 AND s2.code = e.code
  WHERE e.li IS NOT NULL AND (s4.n >= $3::int OR s2.n >= $3::int)
),
-- Units whose key is shared by several census ids.
credit_groups AS (
  SELECT credit_code, array_agg(census_id ORDER BY census_id) AS ids
  FROM base WHERE credit_code IS NOT NULL GROUP BY credit_code HAVING count(*) > 1
),
-- Same-name pairs within $4 metres, found through a grid of cells at least $4 wide in both
-- axes up to 57°N ($4 / 60,000 degrees), so a partner lies in the same or a neighbouring cell:
-- one hash join on (name, cell) instead of pairing every source with every namesake (the 600k
-- demo has 26 million namesake pairs, most of them far apart).
named AS (
  SELECT id, census_id, name_key, geom, floor(ST_X(geom) / ($4::float8 / 60000.0))::bigint AS gx,
         floor(ST_Y(geom) / ($4::float8 / 60000.0))::bigint AS gy
  FROM base
  WHERE name_key IS NOT NULL AND geom IS NOT NULL AND ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90
    AND name_key IN (SELECT name_key FROM base WHERE name_key IS NOT NULL GROUP BY name_key HAVING count(*) > 1)
),
-- Each pair once: the partner in the same cell with a larger id, or in one of the four cells
-- of the half neighbourhood (5 probes instead of 9, one distance per pair); both ends get it.
-- The probes are materialised so that the join's keys are plain columns: with the cell
-- offsets in the join condition, PGlite hashed on the name alone and tested the distance of
-- every namesake pair (26 million at 600k; the screening took 443 s there).
probes AS MATERIALIZED (
  SELECT a.id, a.census_id, a.name_key, a.geom, a.gx + n.dx AS px, a.gy + n.dy AS py, (n.dx = 0 AND n.dy = 0) AS same_cell
  FROM named a CROSS JOIN (VALUES (0, 0), (1, -1), (1, 0), (1, 1), (0, 1)) AS n(dx, dy)
),
half_pairs AS (
  SELECT p.id AS a_id, p.census_id AS a_census, b.id AS b_id, b.census_id AS b_census, ST_Distance(p.geom::geography, b.geom::geography) AS dist
  FROM probes p JOIN named b ON b.name_key = p.name_key AND b.gx = p.px AND b.gy = p.py AND (NOT p.same_cell OR b.id > p.id)
  WHERE ST_DWithin(p.geom::geography, b.geom::geography, $4::float8)
),
near_pairs AS (
  SELECT a_id AS id, b_census AS other, dist FROM half_pairs
  UNION ALL
  SELECT b_id, a_census, dist FROM half_pairs
),
org_groups AS (
  SELECT substr(credit_code, 9, 9) AS org, array_agg(DISTINCT name ORDER BY name) AS names
  FROM base WHERE credit_code IS NOT NULL AND name_key IS NOT NULL
  GROUP BY 1 HAVING count(DISTINCT name_key) > 1
),
-- Peer medians keep six significant digits and ratios four (a median of 0.00012 t rounded
-- to four decimals was shown as 0.0001, a ratio of 0.004 as 0).
findings AS (
  SELECT id, 'emission_peer_outlier' AS code, jsonb_build_object('pollutants', jsonb_agg(jsonb_build_object(
      'pollutant', code, 'value', v, 'peerMedian', round(peer_median::numeric, greatest(4, 5 - floor(log(peer_median))::int)), 'ratio', round((v / peer_median)::numeric, greatest(2, 3 - floor(log(v / peer_median))::int)),
      'z', round(z::numeric, 2), 'peers', n, 'peerIndustry', grp) ORDER BY code)) AS det
  FROM peer WHERE abs(z) > $2::float8 GROUP BY id
  UNION ALL
  SELECT id, 'intensity_peer_outlier', jsonb_build_object('pollutants', jsonb_agg(jsonb_build_object(
      'pollutant', code, 'intensity', round(value::numeric, 6), 'peerMedian', round(peer_median::numeric, greatest(6, 5 - floor(log(peer_median))::int)),
      'ratio', round((value / peer_median)::numeric, greatest(2, 3 - floor(log(value / peer_median))::int)), 'z', round(z::numeric, 2), 'peers', n, 'peerIndustry', grp) ORDER BY code))
  FROM intensity WHERE abs(z) > $2::float8 GROUP BY id
  UNION ALL
  SELECT b.id, 'missing_pollutant', jsonb_build_object('pollutants', jsonb_agg(DISTINCT r.pollutant), 'industry', b.industry_code)
  FROM base b JOIN industry_pollutant_rule r ON b.industry_code LIKE r.industry_prefix || '%'
  WHERE b.status = 'active' AND b.source_type = 'industrial'
    AND coalesce(CASE r.pollutant WHEN 'cod' THEN b.cod WHEN 'nh3n' THEN b.nh3n WHEN 'tn' THEN b.tn WHEN 'tp' THEN b.tp
                   WHEN 'so2' THEN b.so2 WHEN 'nox' THEN b.nox WHEN 'pm' THEN b.pm WHEN 'vocs' THEN b.vocs END, 0) = 0
  GROUP BY b.id, b.industry_code
  UNION ALL
  SELECT b.id, 'duplicate_credit_code', jsonb_build_object('creditCode', b.credit_code, 'others', to_jsonb(array_remove(g.ids, b.census_id)))
  FROM base b JOIN credit_groups g ON g.credit_code = b.credit_code
  UNION ALL
  SELECT id, 'duplicate_name_nearby', jsonb_build_object('others', jsonb_agg(other ORDER BY dist), 'distanceM', round(min(dist)::numeric, 1))
  FROM near_pairs GROUP BY id
  UNION ALL
  SELECT id, 'credit_code_invalid', jsonb_build_object('creditCode', credit_code, 'expected', yzt_credit_check_char(credit_code))
  FROM base WHERE credit_code IS NOT NULL AND yzt_credit_check_char(credit_code) IS DISTINCT FROM substr(credit_code, 18, 1)
  UNION ALL
  SELECT b.id, 'org_code_names', jsonb_build_object('orgCode', g.org, 'names', to_jsonb(g.names))
  FROM base b JOIN org_groups g ON g.org = substr(b.credit_code, 9, 9)
  UNION ALL
  SELECT id, 'status_without_reason', jsonb_build_object('status', status)
  FROM base WHERE status IN ('closed', 'stopped', 'other') AND coalesce(btrim(status_reason), '') = ''
  UNION ALL
  SELECT id, 'closed_with_emissions', jsonb_strip_nulls(jsonb_build_object('cod', cod, 'nh3n', nh3n, 'tn', tn, 'tp', tp,
      'so2', so2, 'nox', nox, 'pm', pm, 'vocs', vocs))
  FROM base WHERE status = 'closed' AND greatest(cod, nh3n, tn, tp, so2, nox, pm, vocs) > 0
)
INSERT INTO review_finding (subject_kind, subject_key, source_id, check_code, severity, distance_m, suggested, details, run_id)
SELECT 'source', f.id::text, f.id, f.code, sev.severity,
       CASE WHEN f.code = 'duplicate_name_nearby' THEN (f.det ->> 'distanceM')::float8 END, NULL, f.det, $1
FROM findings f JOIN (VALUES /*SEVERITIES*/) AS sev(code, severity) ON sev.code = f.code
ON CONFLICT (subject_kind, subject_key, check_code) DO UPDATE SET
  source_id = EXCLUDED.source_id, severity = EXCLUDED.severity, distance_m = EXCLUDED.distance_m,
  details = EXCLUDED.details, run_id = EXCLUDED.run_id,
  status = CASE WHEN review_finding.status = 'fixed' THEN 'open' ELSE review_finding.status END
