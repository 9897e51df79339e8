-- Fixed statements of quality.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: quality_figures_select_review_run
SELECT max(finished_at) AS at FROM review_run WHERE scope = 'all' AND status = 'done';

-- name: quality_figures_with
WITH f AS (
  SELECT source_id,
         bool_or(severity = 'error' AND status IN ('open', 'field_check')) AS open_err,
         count(*) AS n, count(*) FILTER (WHERE status <> 'open') AS reviewed
  FROM review_finding WHERE source_id IS NOT NULL GROUP BY source_id
),
s AS (
  SELECT left(s.division_code, 4) || '00' AS city, left(s.division_code, 6) AS county,
         coalesce(f.open_err, false) AS open_err, coalesce(f.n, 0) AS n, coalesce(f.reviewed, 0) AS reviewed
  FROM source s LEFT JOIN f ON f.source_id = s.id
  WHERE s.status = 'active' AND s.division_code IS NOT NULL
),
g AS (
  SELECT CASE WHEN grouping(county) = 1 THEN 'city' ELSE 'county' END AS level, coalesce(county, city) AS code,
         count(*) AS sources, count(*) FILTER (WHERE open_err) AS open_err, sum(n) AS findings, sum(reviewed) AS reviewed
  FROM s GROUP BY GROUPING SETS ((city), (city, county))
)
SELECT g.*, d.name FROM g LEFT JOIN division d ON d.code = g.code ORDER BY g.code, g.level;
