-- Fixed statements of run-checks.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: analyze_run_inputs
-- Fresh planner statistics for what a full run reads. Right after a bulk load or an import
-- autovacuum has not analysed the tables yet, and without statistics the screening's CTE joins
-- turn into nested loops: measured on 600k demo sources (PostgreSQL 15), 30 s with statistics,
-- over 10 minutes without. ANALYZE samples at most 30,000 rows a table: about a second.
ANALYZE source, census_zone, division, outfall, review_finding;

-- name: start_review_run_select_source
SELECT DISTINCT left(division_code, 6) AS county FROM source WHERE status IN ('active', 'closed') ORDER BY 1;

-- name: start_review_run_insert_review_run
INSERT INTO review_run (scope, actor, total_units)
SELECT 'all', $1, $2
WHERE NOT EXISTS (SELECT 1 FROM review_run WHERE scope = 'all' AND status = 'running' AND started_at > now() - interval '30 minutes')
RETURNING id, status, scope, total_units, done_units, findings, error, started_at, finished_at, NULL AS elapsed_ms;

-- name: select_review_run
SELECT id FROM review_run WHERE scope = 'all' AND status = 'running' ORDER BY id DESC LIMIT 1;

-- name: recheck_source_insert_review_run
INSERT INTO review_run (scope, actor, total_units) VALUES ('source', $1, 1) RETURNING id;

-- name: recheck_source_select_source
SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM source WHERE id = $1;

-- name: recheck_source_update_review_run
UPDATE review_run SET status = 'done', done_units = 1, finished_at = clock_timestamp(),
findings = (SELECT count(*) FROM review_finding WHERE run_id = $1) WHERE id = $1;

-- name: update_review_run
UPDATE review_run SET status = 'done', finished_at = clock_timestamp(),
findings = (SELECT count(*) FROM review_finding WHERE run_id = $1) WHERE id = $1;

-- name: update_review_run_2
UPDATE review_run SET status = 'failed', error = $2, finished_at = clock_timestamp() WHERE id = $1;

-- name: unit_update_review_run
UPDATE review_run SET done_units = done_units + 1 WHERE id = $1;

-- name: resolve_region_select_division
SELECT ST_XMin(b) - 0.1 AS w, ST_YMin(b) - 0.1 AS s, ST_XMax(b) + 0.1 AS e, ST_YMax(b) + 0.1 AS n
FROM (SELECT ST_Extent(geom) AS b FROM division) t;
