-- Rectification tracking (整改调度): every finding and every unit to verify has a district,
-- an assignee and a deadline (14 days after it was raised unless one was set). Every
-- statement runs in the caller's scope.

-- name: summary
-- $1 today. Per city and per district: raised, closed, open, overdue (open past its deadline)
-- and unassigned.
-- The names are joined after grouping: joined per item, a city row took its districts' names
-- and split into one row per district name.
WITH item AS (/*ITEMS*/),
g AS (
  SELECT CASE WHEN grouping(county) = 1 THEN 'city' ELSE 'county' END AS level,
         coalesce(county, city) AS code,
         count(*)::int AS opened, count(closed_at)::int AS closed, count(*) FILTER (WHERE closed_at IS NULL)::int AS open,
         count(*) FILTER (WHERE closed_at IS NULL AND deadline < $1::date)::int AS overdue,
         count(*) FILTER (WHERE closed_at IS NULL AND assignee IS NULL)::int AS unassigned,
         count(*) FILTER (WHERE kind = 'finding')::int AS findings, count(*) FILTER (WHERE kind = 'unit')::int AS units
  FROM (SELECT item.*, left(county, 4) || '00' AS city FROM item WHERE county IS NOT NULL) i
  GROUP BY GROUPING SETS ((city), (city, county))
)
SELECT g.level, g.code, (SELECT d.name FROM division d WHERE d.code = g.code LIMIT 1) AS name,
       g.opened, g.closed, g.open, g.overdue, g.unassigned, g.findings, g.units
FROM g
ORDER BY g.code, g.level;

-- name: weeks
-- $1 today, $2 weeks back, $3 city code or NULL. Per ISO week (Monday): raised, closed, and
-- open and overdue at the week's end.
WITH item AS (/*ITEMS*/),
scoped AS (SELECT * FROM item WHERE county IS NOT NULL AND ($3::text IS NULL OR left(county, 4) = left($3::text, 4))),
week AS (
  SELECT generate_series(date_trunc('week', $1::date - 7 * ($2::int - 1)), date_trunc('week', $1::date), interval '7 days')::date AS monday
)
SELECT w.monday AS week,
       count(i.key) FILTER (WHERE i.opened_at >= w.monday AND i.opened_at < w.monday + 7)::int AS opened,
       count(i.key) FILTER (WHERE i.closed_at >= w.monday AND i.closed_at < w.monday + 7)::int AS closed,
       count(i.key) FILTER (WHERE i.opened_at < w.monday + 7 AND (i.closed_at IS NULL OR i.closed_at >= w.monday + 7))::int AS open_at_end,
       count(i.key) FILTER (WHERE i.opened_at < w.monday + 7 AND (i.closed_at IS NULL OR i.closed_at >= w.monday + 7)
                        AND i.deadline < least(w.monday + 7, $1::date + 1))::int AS overdue_at_end
FROM week w LEFT JOIN scoped i ON i.opened_at < w.monday + 7
GROUP BY w.monday ORDER BY w.monday;

-- name: items_fragment
SELECT 'finding' AS kind, f.id::text AS key,
       coalesce(left(s.division_code, 6), CASE WHEN f.subject_kind = 'division' THEN left(f.subject_key, 6) END) AS county,
       f.assignee, coalesce(f.deadline, (f.found_at + interval '14 days')::date) AS deadline, f.found_at AS opened_at,
       CASE WHEN f.status IN ('accepted', 'fixed') THEN coalesce(f.reviewed_at, f.found_at) END AS closed_at
FROM review_finding f LEFT JOIN source s ON s.id = f.source_id
WHERE f.subject_kind IN ('source', 'division')
UNION ALL
SELECT 'unit', u.list_id || ':' || u.line, left(u.division_code, 6), u.assignee,
       coalesce(u.deadline, (u.created_at + interval '14 days')::date), u.created_at,
       CASE WHEN u.decision IS NOT NULL OR (u.outcome = 'matched' AND u.decided_by IS NOT NULL) THEN coalesce(u.decided_at, u.created_at) END
FROM ext_list_unit u WHERE u.outcome <> 'matched' OR u.decided_by IS NOT NULL

-- name: unplaced
-- Items no district holds (a unit without point, address or match, uploaded by a national
-- user): the summary leaves them out, so it says how many there are.
WITH item AS (/*ITEMS*/)
SELECT count(*) FILTER (WHERE kind = 'finding' AND closed_at IS NULL)::int AS findings,
       count(*) FILTER (WHERE kind = 'unit' AND closed_at IS NULL)::int AS units
FROM item WHERE county IS NULL;

-- name: district_open_items
-- $1 a district (6 digits). The open findings and units to verify it holds, as the summary
-- counts them: what "assign the district" hands over.
WITH item AS (/*ITEMS*/)
SELECT kind, key FROM item WHERE county = $1::text AND closed_at IS NULL ORDER BY kind, key;

-- name: assign_findings
-- $1 ids, $2 assignee (NULL keeps it), $3 deadline (NULL keeps it). Answers each row's values
-- before and after, for its edit-log entry.
WITH old AS (
  SELECT f.id, f.assignee, f.deadline FROM review_finding f WHERE f.id = ANY($1::bigint[]) FOR UPDATE
)
UPDATE review_finding f SET assignee = coalesce($2::text, f.assignee), deadline = coalesce($3::date, f.deadline)
FROM old WHERE f.id = old.id
RETURNING f.id::text AS key, jsonb_build_object('assignee', old.assignee, 'deadline', old.deadline::text) AS before,
          jsonb_build_object('assignee', f.assignee, 'deadline', f.deadline::text) AS after;

-- name: assign_units
WITH old AS (
  SELECT u.list_id, u.line, u.assignee, u.deadline
  FROM ext_list_unit u JOIN unnest($1::bigint[], $2::int[]) AS k(list_id, line) ON u.list_id = k.list_id AND u.line = k.line
  FOR UPDATE OF u
)
UPDATE ext_list_unit u SET assignee = coalesce($3::text, u.assignee), deadline = coalesce($4::date, u.deadline)
FROM old WHERE u.list_id = old.list_id AND u.line = old.line
RETURNING u.list_id || ':' || u.line AS key, jsonb_build_object('assignee', old.assignee, 'deadline', old.deadline::text) AS before,
          jsonb_build_object('assignee', u.assignee, 'deadline', u.deadline::text) AS after;

-- name: log
-- $3: [{key, before, after}], one edit-log entry each, with what the assignment replaced.
INSERT INTO edit_log (actor, entity, entity_id, action, before, after, reason)
SELECT $1, $2, e->>'key', 'assign', e->'before', e->'after', $4 FROM jsonb_array_elements($3::jsonb) AS e;
