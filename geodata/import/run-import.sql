-- Fixed statements of run-import.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: begin_insert_import_batch
INSERT INTO import_batch (kind, file_name, format, actor) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: update_import_batch
UPDATE import_batch SET rows_stored = $1 WHERE id = $2;
