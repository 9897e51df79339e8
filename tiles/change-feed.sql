-- Fixed statements of change-feed.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: poll_select_tile_change
SELECT max(seq)::text AS seq FROM tile_change;

-- name: read_once_select_tile_change
-- age_s: how long ago the change was logged, on the database's clock (no skew with the server's).
SELECT seq::text, table_name, west, south, east, north, extract(epoch FROM clock_timestamp() - at)::float8 AS age_s
  FROM tile_change WHERE seq > $1 ORDER BY seq LIMIT 10000;

-- name: select
SELECT pg_current_wal_flush_lsn()::text AS lsn;

-- name: delete_tile_change
DELETE FROM tile_change WHERE at < now() - make_interval(secs => $1);
