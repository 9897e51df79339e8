-- Fixed statements of batch-actions.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: undo_review_action_select_edit_log
SELECT 1 FROM edit_log WHERE entity = $1 AND entity_id = $2 AND id > $3 LIMIT 1;

-- name: update_review_finding
UPDATE review_finding SET status = $2, reviewed_by = NULL, reviewed_at = NULL, review_reason = NULL WHERE id = $1;

-- name: insert_edit_log
INSERT INTO edit_log (actor, entity, entity_id, action, before, after, reason) VALUES ($1, $2, $3, 'review.undo', $4, $5, $6) RETURNING id;
