-- Row counts of the census tables, for /api/health. One statement so it is one round trip.
SELECT
  (SELECT count(*) FROM division)        AS division,
  (SELECT count(*) FROM census_zone)     AS census_zone,
  (SELECT count(*) FROM basin)           AS basin,
  (SELECT count(*) FROM river_reach)     AS river_reach,
  (SELECT count(*) FROM outfall)         AS outfall,
  (SELECT count(*) FROM source)          AS source,
  (SELECT count(*) FROM section)         AS section,
  (SELECT count(*) FROM section_reading) AS section_reading,
  (SELECT count(*) FROM air_station)     AS air_station,
  (SELECT count(*) FROM air_reading)     AS air_reading,
  (SELECT count(*) FROM import_batch)    AS import_batch,
  (SELECT count(*) FROM edit_log)        AS edit_log
