-- Fixed statements of air-contributors.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: air_contributors_select_air_station
SELECT code, name, city, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM air_station WHERE code = $1;

-- name: air_contributors_select_air_reading
SELECT to_char(month, 'YYYY-MM') AS month, pm25, pm10, o3, no2, so2, aqi FROM air_reading WHERE station_code = $1 ORDER BY month;
