-- Sources within $3 metres of a point ($1 lon, $2 lat), nearest first, with the checks that
-- fired on each (open or not): what the reviewer sees around a finding. $4 the source itself
-- (left out), $5 how many. The ids come from nearby_source_ids (migration 014: the spatial
-- index, which row-level security would keep this query from using); the join back to source
-- runs under RLS like any request. The open findings are picked in the aggregate, not in WHERE:
-- with `status = 'open'` beside `source_id` there, PGlite's planner ANDed a bitmap of every open
-- finding (122k at 600k sources) into each neighbour's lookup, 42 ms for 50 neighbours.
SELECT s.id, s.census_id, s.name, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, n.distance_m,
       coalesce((SELECT array_agg(f.check_code ORDER BY f.check_code) FILTER (WHERE f.status = 'open')
                 FROM review_finding f WHERE f.source_id = s.id), '{}') AS checks
FROM nearby_source_ids($1::float8, $2::float8, $3::float8, $4::bigint, $5::int) WITH ORDINALITY AS n(id, distance_m, ord)
JOIN source s ON s.id = n.id
ORDER BY n.ord
