-- Fixed statements of demo.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: select_source
SELECT count(*) AS n FROM source;
