-- The declared census zone and division of one finding's source, as GeoJSON features (6
-- decimals, about 0.1 m), for the review map. $1 zone code, $2 division code (either may be null).
SELECT 'zone' AS role, code, name, ST_AsGeoJSON(geom, 6) AS geometry FROM census_zone WHERE code = $1
UNION ALL
SELECT 'division', code, name, ST_AsGeoJSON(geom, 6) FROM division WHERE code = $2
