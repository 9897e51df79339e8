-- Comparing another department's list with the directory (名录比对). Every statement runs in
-- the uploader's scope, so a unit is matched only against the sources that user may see.

-- name: insert_list
INSERT INTO ext_list (name, file_name, region, uploaded_by) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: insert_units
-- $1 list, $2..$8 the units' columns, $9 the uploader's region: a unit placed by its point
-- belongs to that point's county, one without a point to the uploader's region.
INSERT INTO ext_list_unit (list_id, line, name, credit_code, org_code, address, geom, name_key, division_code)
SELECT $1, u.line, u.name, u.credit, u.org, u.address, p.geom, yzt_org_name_key(u.name),
       coalesce((SELECT d.code FROM division d
                 WHERE d.level = 'county' AND p.geom IS NOT NULL AND ST_Intersects(d.geom, p.geom) LIMIT 1), $9::text)
FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[])
       AS u(line, name, credit, org, address, lon, lat)
CROSS JOIN LATERAL (SELECT CASE WHEN u.lon IS NOT NULL AND u.lat IS NOT NULL
                           THEN ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) END AS geom) p;

-- name: count_units
UPDATE ext_list SET units = (SELECT count(*) FROM ext_list_unit WHERE list_id = $1) WHERE id = $1;

-- name: match_credit
-- Step 1: the credit code. One source: matched; several (a duplicate registration): to confirm.
WITH hits AS (
  SELECT u.line, array_agg(s.id ORDER BY s.id) AS ids,
         jsonb_agg(jsonb_build_object('sourceId', s.id, 'censusId', s.census_id, 'name', s.name, 'score', 1.0) ORDER BY s.id) AS cands
  FROM ext_list_unit u JOIN source s ON s.credit_code = u.credit_code
  WHERE u.list_id = $1 AND u.match_kind IS NULL AND u.credit_code IS NOT NULL AND s.status <> 'deleted'
  GROUP BY u.line
)
UPDATE ext_list_unit u SET match_kind = 'credit_code', candidates = h.cands,
  outcome = CASE WHEN cardinality(h.ids) = 1 THEN 'matched' ELSE 'ambiguous' END,
  source_id = CASE WHEN cardinality(h.ids) = 1 THEN h.ids[1] END,
  score = CASE WHEN cardinality(h.ids) = 1 THEN 1.0 END
FROM hits h WHERE u.list_id = $1 AND u.line = h.line;

-- name: match_org
-- Step 2: the organisation code, characters 9-17 of a credit code (lists of older systems
-- carry only it, or a credit code whose region part changed when the unit moved).
WITH hits AS (
  SELECT u.line, array_agg(s.id ORDER BY s.id) AS ids,
         jsonb_agg(jsonb_build_object('sourceId', s.id, 'censusId', s.census_id, 'name', s.name, 'score', 0.9) ORDER BY s.id) AS cands
  FROM ext_list_unit u JOIN source s ON substr(s.credit_code, 9, 9) = u.org_code AND s.credit_code IS NOT NULL
  WHERE u.list_id = $1 AND u.match_kind IS NULL AND u.org_code IS NOT NULL AND s.status <> 'deleted'
  GROUP BY u.line
)
UPDATE ext_list_unit u SET match_kind = 'org_code', candidates = h.cands,
  outcome = CASE WHEN cardinality(h.ids) = 1 THEN 'matched' ELSE 'ambiguous' END,
  source_id = CASE WHEN cardinality(h.ids) = 1 THEN h.ids[1] END,
  score = CASE WHEN cardinality(h.ids) = 1 THEN 0.9 END
FROM hits h WHERE u.list_id = $1 AND u.line = h.line;

-- name: match_name
-- Step 3: the normalised name (yzt_org_name_key), with distance, address and the literal name
-- as tie-breakers. The best candidate is matched when it leads the next by at least 0.1.
-- A name that many units share (a chain, or 污水处理厂 once the place is gone) is scored only
-- against the namesakes within 20 km of the unit's point, or, without a point, against the
-- first of them: it cannot be matched by name alone, only confirmed (ambiguous).
WITH todo AS (
  SELECT u.line, u.name, u.address, u.geom, u.name_key FROM ext_list_unit u
  WHERE u.list_id = $1 AND u.match_kind IS NULL AND u.name_key IS NOT NULL
),
sizes AS (
  SELECT k.name_key, count(s.id) AS n
  FROM (SELECT DISTINCT name_key FROM todo) k JOIN source s ON s.name_key = k.name_key AND s.status <> 'deleted'
  GROUP BY k.name_key
),
-- Each pair carries its name's count (a subquery over the sizes per pair scanned them all: 16
-- minutes for a 50,000-row list at 600k sources).
pairs AS (
  SELECT t.*, z.n AS namesakes, s.id, s.census_id, s.name AS s_name, s.address AS s_address, s.geom AS s_geom
  FROM todo t JOIN sizes z ON z.name_key = t.name_key AND z.n <= 50
  JOIN source s ON s.name_key = t.name_key AND s.status <> 'deleted'
  UNION ALL
  SELECT t.*, z.n, s.id, s.census_id, s.name, s.address, s.geom
  FROM todo t JOIN sizes z ON z.name_key = t.name_key AND z.n > 50
  CROSS JOIN LATERAL (
    SELECT s.id, s.census_id, s.name, s.address, s.geom FROM source s
    WHERE s.name_key = t.name_key AND s.status <> 'deleted'
      AND (t.geom IS NULL OR ST_DWithin(s.geom, t.geom, 0.2))
    ORDER BY CASE WHEN t.geom IS NULL THEN 0 ELSE s.geom <-> t.geom END, s.id
    LIMIT 10) s
),
cand AS (
  SELECT p.line, p.id, p.census_id, p.s_name AS name,
    CASE WHEN p.geom IS NOT NULL AND p.s_geom IS NOT NULL THEN ST_Distance(p.geom::geography, p.s_geom::geography) END AS dist,
    0.8
    + CASE WHEN regexp_replace(normalize(p.name, NFKC), '\s', '', 'g') = regexp_replace(normalize(p.s_name, NFKC), '\s', '', 'g') THEN 0.05 ELSE 0 END
    + CASE WHEN p.address IS NOT NULL AND p.s_address IS NOT NULL
            AND yzt_org_name_key(p.address) = yzt_org_name_key(p.s_address) THEN 0.1 ELSE 0 END
    -- Of many namesakes without a point to tell them apart, none is sure.
    - CASE WHEN p.geom IS NULL AND p.namesakes > 50 THEN 0.3 ELSE 0 END AS name_score
  FROM pairs p
),
scored AS (
  SELECT line, id, census_id, name, dist,
    name_score + CASE WHEN dist IS NULL THEN 0 WHEN dist <= 300 THEN 0.15 WHEN dist <= 2000 THEN 0.05
                      WHEN dist > 10000 THEN -0.4 ELSE 0 END AS score
  FROM cand
),
ranked AS (
  SELECT scored.*, row_number() OVER (PARTITION BY line ORDER BY score DESC, id) AS rk FROM scored
),
best AS (
  SELECT line,
    jsonb_agg(jsonb_build_object('sourceId', id, 'censusId', census_id, 'name', name, 'score', round(score::numeric, 2),
              'distanceM', round(dist::numeric)) ORDER BY rk) FILTER (WHERE rk <= 10) AS cands,
    max(id) FILTER (WHERE rk = 1) AS best_id, max(score) FILTER (WHERE rk = 1) AS best, max(score) FILTER (WHERE rk = 2) AS second
  FROM ranked GROUP BY line
)
UPDATE ext_list_unit u SET match_kind = 'name', candidates = b.cands,
  outcome = CASE WHEN b.best >= 0.6 AND (b.second IS NULL OR b.best - b.second >= 0.1) THEN 'matched' ELSE 'ambiguous' END,
  source_id = CASE WHEN b.best >= 0.6 AND (b.second IS NULL OR b.best - b.second >= 0.1) THEN b.best_id END,
  score = CASE WHEN b.best >= 0.6 AND (b.second IS NULL OR b.best - b.second >= 0.1) THEN b.best END
FROM best b WHERE u.list_id = $1 AND u.line = b.line;

-- name: place_matched
-- A matched unit belongs to its source's division (always inside the uploader's scope).
UPDATE ext_list_unit u SET division_code = s.division_code
FROM source s WHERE u.list_id = $1 AND u.source_id = s.id AND s.division_code IS NOT NULL
  AND u.division_code IS DISTINCT FROM s.division_code;

-- name: place_by_address
-- A unit that is neither matched nor placed by a point goes to the county its address (or
-- name) names: 深圳市南山区… → 440305; of two counties of one name, the one whose city the
-- text names too.
UPDATE ext_list_unit u SET division_code = coalesce((
  SELECT d.code FROM division d LEFT JOIN division c ON c.code = d.parent_code
  WHERE d.level = 'county' AND length(d.name) >= 2 AND strpos(coalesce(u.address, '') || u.name, d.name) > 0
  ORDER BY (c.name IS NOT NULL AND strpos(coalesce(u.address, '') || u.name, c.name) > 0) DESC, length(d.name) DESC, d.code
  LIMIT 1), u.division_code)
WHERE u.list_id = $1 AND u.source_id IS NULL AND u.geom IS NULL AND coalesce(length(u.division_code), 0) < 6;

-- name: outcome_counts
SELECT outcome, count(*)::int AS n FROM ext_list_unit WHERE list_id = $1 GROUP BY outcome;

-- name: lists
SELECT l.id, l.name, l.file_name, l.uploaded_by, l.units, l.created_at,
       count(u.line) FILTER (WHERE u.outcome = 'matched')::int AS matched,
       count(u.line) FILTER (WHERE u.outcome = 'ambiguous')::int AS ambiguous,
       count(u.line) FILTER (WHERE u.outcome = 'unmatched')::int AS unmatched,
       count(u.line) FILTER (WHERE u.decision IS NOT NULL)::int AS decided
FROM ext_list l LEFT JOIN ext_list_unit u ON u.list_id = l.id
GROUP BY l.id ORDER BY l.id DESC;

-- name: units
-- $2 outcome or NULL for all, $3 limit, $4 offset, $5 one line or NULL for all.
SELECT u.line, u.name, u.credit_code, u.org_code, u.address, ST_X(u.geom) AS lon, ST_Y(u.geom) AS lat,
       u.outcome, u.match_kind, u.score, u.candidates, u.division_code, s.census_id, s.name AS source_name,
       u.phone_result, u.field_result, u.decision, u.decision_note, u.decided_by, u.decided_at, u.assignee, u.deadline,
       count(*) OVER () AS total
FROM ext_list_unit u LEFT JOIN source s ON s.id = u.source_id
WHERE u.list_id = $1 AND ($2::text IS NULL OR u.outcome = $2::text) AND ($5::int IS NULL OR u.line = $5::int)
ORDER BY u.line LIMIT $3 OFFSET $4;

-- name: unit_for_update
SELECT line, outcome, match_kind, source_id, candidates, phone_result, field_result, decision, decision_note
FROM ext_list_unit WHERE list_id = $1 AND line = $2 FOR UPDATE;

-- name: decide_unit
UPDATE ext_list_unit SET phone_result = $3, field_result = $4, decision = $5, decision_note = $6,
  decided_by = $7, decided_at = now(), outcome = $8, source_id = $9
WHERE list_id = $1 AND line = $2;

-- name: log_decision
INSERT INTO edit_log (actor, entity, entity_id, action, before, after, reason) VALUES ($1, 'list_unit', $2, 'list_decision', $3, $4, $5);
