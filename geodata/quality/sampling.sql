-- Sampling checks (抽样核查). Every statement runs in the caller's scope.

-- name: population
-- The sources a plan draws from: active ones with a division, in a fixed order (by id) so a
-- seed always draws the same sample from the same data. $1 division prefix or NULL.
SELECT id, census_id, source_type, division_code FROM source
WHERE status = 'active' AND division_code IS NOT NULL AND ($1::text IS NULL OR division_code LIKE $1::text || '%')
ORDER BY id;

-- name: insert_plan
INSERT INTO sample_plan (name, seed, method, params, region, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at;

-- name: insert_items
INSERT INTO sample_item (plan_id, source_id, stratum, division_code)
SELECT $1, u.source_id, u.stratum, u.division_code FROM unnest($2::bigint[], $3::text[], $4::text[]) AS u(source_id, stratum, division_code);

-- name: plan
SELECT id, name, seed, method, params, region, created_by, created_at FROM sample_plan WHERE id = $1;

-- name: plans
SELECT p.id, p.name, p.seed, p.method, p.created_by, p.created_at, count(i.source_id)::int AS items
FROM sample_plan p LEFT JOIN sample_item i ON i.plan_id = p.id GROUP BY p.id ORDER BY p.id DESC;

-- name: items
SELECT i.source_id, s.census_id, s.name, s.source_type, s.industry_code, i.division_code, i.stratum,
       coalesce(jsonb_object_agg(c.indicator, c.correct) FILTER (WHERE c.indicator IS NOT NULL), '{}'::jsonb) AS checks,
       max(c.checked_by) AS checked_by, max(c.checked_at) AS checked_at
FROM sample_item i JOIN source s ON s.id = i.source_id
LEFT JOIN sample_check c ON c.plan_id = i.plan_id AND c.source_id = i.source_id
WHERE i.plan_id = $1
GROUP BY i.source_id, s.census_id, s.name, s.source_type, s.industry_code, i.division_code, i.stratum
ORDER BY i.stratum, s.census_id;

-- name: item_by_census_id
SELECT i.source_id, i.division_code FROM sample_item i JOIN source s ON s.id = i.source_id
WHERE i.plan_id = $1 AND s.census_id = $2;

-- name: previous_checks
SELECT indicator, correct FROM sample_check WHERE plan_id = $1 AND source_id = $2;

-- name: upsert_check
INSERT INTO sample_check (plan_id, source_id, indicator, correct, note, division_code, checked_by)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (plan_id, source_id, indicator) DO UPDATE SET correct = EXCLUDED.correct, note = EXCLUDED.note,
  checked_by = EXCLUDED.checked_by, checked_at = now();

-- name: insert_omission
INSERT INTO sample_omission (plan_id, division_code, name, note, recorded_by) VALUES ($1, $2, $3, $4, $5) RETURNING id;

-- name: log
INSERT INTO edit_log (actor, entity, entity_id, action, before, after, reason) VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: rates
-- Per city: checked sources, those with a wrong key indicator, and omissions found.
WITH checked AS (
  SELECT left(division_code, 4) || '00' AS city, source_id, bool_or(NOT correct) AS wrong
  FROM sample_check WHERE plan_id = $1 GROUP BY 1, 2
),
drawn AS (
  SELECT left(division_code, 4) || '00' AS city, count(*) AS n FROM sample_item WHERE plan_id = $1 GROUP BY 1
),
missed AS (
  SELECT left(division_code, 4) || '00' AS city, count(*) AS n FROM sample_omission WHERE plan_id = $1 GROUP BY 1
)
SELECT d.city, dv.name, d.n::int AS drawn, count(c.source_id)::int AS checked,
       count(c.source_id) FILTER (WHERE c.wrong)::int AS wrong, coalesce(max(m.n), 0)::int AS omissions
FROM drawn d
LEFT JOIN checked c ON c.city = d.city
LEFT JOIN missed m ON m.city = d.city
LEFT JOIN division dv ON dv.code = d.city
GROUP BY d.city, dv.name, d.n ORDER BY d.city;
