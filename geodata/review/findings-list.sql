-- Fixed statements of findings-list.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: get_finding_select_review_finding
SELECT f.id, f.subject_kind, f.subject_key, f.source_id, s.census_id, s.name, f.check_code, f.severity,
       s.zone_code, s.division_code, s.industry_code, f.distance_m,
       ST_X(f.suggested) AS sx, ST_Y(f.suggested) AS sy, ST_X(s.geom) AS x, ST_Y(s.geom) AS y,
       f.status, s.row_version, f.details, f.reviewed_by, f.reviewed_at, f.assignee
FROM review_finding f LEFT JOIN source s ON s.id = f.source_id WHERE f.id = $1;
