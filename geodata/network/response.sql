-- Fixed statements of response.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: section_response_select_section
SELECT code, name, target_class FROM section WHERE code = $1;

-- name: section_response_select_section_reading
SELECT to_char(month, 'YYYY-MM') AS month, water_class, cod, nh3n, tp, do_mgl FROM section_reading WHERE section_code = $1 ORDER BY month;

-- name: section_response_select_network_section
SELECT 1 FROM network_section WHERE section_code = $1 AND pre IS NOT NULL;

-- name: latest_reading_month_select_section_reading
SELECT to_char(max(month), 'YYYY-MM') AS m FROM section_reading;

-- name: problem_list_select_section
SELECT s.code, s.name, s.level, s.target_class, r.water_class, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
      ns.pre IS NOT NULL AS on_network, ns.note
FROM section s JOIN section_reading r ON r.section_code = s.code AND r.month = ($1 || '-01')::date
LEFT JOIN network_section ns ON ns.section_code = s.code
WHERE r.water_class > s.target_class
  AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM basin b WHERE b.code = $2 AND ST_Covers(b.geom, s.geom)))
ORDER BY r.water_class - s.target_class DESC, s.code;
