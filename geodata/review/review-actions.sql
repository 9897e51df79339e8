-- Fixed statements of review-actions.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: apply_review_action_select_review_finding
SELECT id, source_id, status, check_code, ST_X(suggested) AS sx, ST_Y(suggested) AS sy, details FROM review_finding WHERE id = $1 FOR UPDATE;

-- name: select_source
SELECT row_version, ST_X(geom) AS x, ST_Y(geom) AS y FROM source WHERE id = $1 FOR UPDATE;

-- name: update_review_finding
UPDATE review_finding SET status = $2, reviewed_by = $3, reviewed_at = now(), review_reason = $4 WHERE id = $1;

-- name: insert_edit_log
INSERT INTO edit_log (actor, entity, entity_id, action, before, after, reason) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id;

-- name: source_history_select_edit_log
SELECT id, at, actor, action, before, after, reason FROM edit_log WHERE entity = 'source' AND entity_id = $1 ORDER BY id;
