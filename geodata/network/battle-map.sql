-- Fixed statements of battle-map.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: battle_basins_select_section
SELECT b.code, b.name, b.level, (SELECT count(*)::int FROM section s WHERE ST_Covers(b.geom, s.geom)) AS sections
FROM basin b WHERE b.geom IS NOT NULL ORDER BY b.level, b.code;

-- name: battle_view_select_basin
SELECT code, name, ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, ST_YMax(geom) AS y1 FROM basin WHERE code = $1;

-- name: battle_view_select_section_reading
SELECT DISTINCT to_char(month, 'YYYY-MM') AS m FROM section_reading ORDER BY m;

-- name: battle_view_select_section
SELECT s.code, s.name, s.level, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.target_class, r.water_class
FROM section s JOIN basin b ON b.code = $1 AND ST_Covers(b.geom, s.geom)
LEFT JOIN section_reading r ON r.section_code = s.code AND r.month = ($2 || '-01')::date
ORDER BY s.code;
