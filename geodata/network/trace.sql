-- Fixed statements of trace.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: trace_upstream_select_section
SELECT s.code, s.name, s.target_class, ns.reach_id, ns.pre, ns.dist_m, nr.last, nr.outlet_id, ns.note
FROM section s LEFT JOIN network_section ns ON ns.section_code = s.code LEFT JOIN network_reach nr ON nr.reach_id = ns.reach_id
WHERE s.code = $1;

-- name: trace_upstream_select_outfall
SELECT o.code, o.name, no.reach_id, no.pre, no.dist_m, nr.last, nr.outlet_id, no.note
FROM outfall o LEFT JOIN network_outfall no ON no.outfall_code = o.code LEFT JOIN network_reach nr ON nr.reach_id = no.reach_id
WHERE o.code = $1;

-- name: trace_upstream_select_source
SELECT s.id, s.census_id, s.name, ns.reach_id, ns.pre, ns.dist_m, nr.last, nr.outlet_id, ns.via, ns.note
FROM source s LEFT JOIN network_source ns ON ns.source_id = s.id LEFT JOIN network_reach nr ON nr.reach_id = ns.reach_id
WHERE s.id = $1;

-- name: trace_downstream_from_source_select_source
SELECT s.id, s.census_id, s.name, ns.reach_id, ns.pre, ns.dist_m, ns.via, ns.counted, ns.note, s.cod, s.nh3n, s.tn, s.tp, s.status
FROM source s LEFT JOIN network_source ns ON ns.source_id = s.id WHERE s.id = $1;

-- name: trace_downstream_from_section_select_section
SELECT s.code, s.name, ns.reach_id, ns.pre, ns.dist_m, ns.via, ns.note FROM section s LEFT JOIN network_section ns ON ns.section_code = s.code WHERE s.code = $1;

-- name: trace_downstream_from_outfall_select_outfall
SELECT o.code, no.reach_id, no.pre, no.dist_m, no.via, no.note FROM outfall o LEFT JOIN network_outfall no ON no.outfall_code = o.code WHERE o.code = $1;

-- name: downstream_from_select_network_reach
SELECT reach_id, outlet_id FROM network_reach
WHERE pre <= $1 AND last >= $1 AND outlet_id = (SELECT outlet_id FROM network_reach WHERE pre = $1)
ORDER BY pre DESC;

-- name: downstream_from_select_network_section
SELECT ns.section_code AS code, s.name, $2::float8 - ns.dist_m AS river_m
FROM network_section ns JOIN network_reach nr ON nr.reach_id = ns.reach_id JOIN section s ON s.code = ns.section_code
WHERE $1 BETWEEN ns.pre AND nr.last AND ns.dist_m <= $2
ORDER BY river_m, ns.section_code;
