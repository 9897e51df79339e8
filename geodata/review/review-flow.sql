-- name: assign_district
-- Hands every open finding of a district (its source's division code under $1, or a district
-- finding about it) to $2; findings the caller cannot see are not touched (RLS). $3 actor,
-- $4 reason. Each finding gets its own edit-log entry.
WITH picked AS (
  SELECT f.id, f.assignee AS was FROM review_finding f LEFT JOIN source s ON s.id = f.source_id
  WHERE f.status = 'open' AND f.assignee IS DISTINCT FROM $2::text
    AND (s.division_code LIKE $1::text || '%' OR (f.subject_kind = 'division' AND f.subject_key LIKE $1::text || '%'))
  FOR UPDATE OF f
),
assigned AS (
  UPDATE review_finding f SET assignee = $2::text FROM picked WHERE f.id = picked.id RETURNING f.id, picked.was
),
logged AS (
  INSERT INTO edit_log (actor, entity, entity_id, action, before, after, reason)
  SELECT $3, 'finding', a.id::text, 'review.assign', jsonb_build_object('assignee', a.was), jsonb_build_object('assignee', $2::text, 'district', $1::text), $4
  FROM assigned a RETURNING 1
)
SELECT count(*)::int AS n FROM logged;

-- name: comments
SELECT id, finding_id, author, body, created_at FROM review_comment WHERE finding_id = $1 ORDER BY id;

-- name: add_comment
-- The finding must be visible to the caller: the INSERT's RLS check says so; the SELECT turns
-- an unknown id into no row rather than a foreign-key error.
WITH f AS (SELECT id FROM review_finding WHERE id = $1),
added AS (
  INSERT INTO review_comment (finding_id, author, body) SELECT f.id, $2, $3 FROM f
  RETURNING id, finding_id, author, body, created_at
),
logged AS (
  INSERT INTO edit_log (actor, entity, entity_id, action, before, after)
  SELECT $2, 'finding', a.finding_id::text, 'review.comment', NULL, jsonb_build_object('comment', a.id, 'body', a.body) FROM added a
  RETURNING id
)
SELECT a.*, (SELECT id FROM logged) AS edit_log_id FROM added a;
