-- Fixed statements of load-demo.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: load_demo_insert_import_batch
INSERT INTO import_batch (kind, file_name, format, actor) VALUES ('demo', $1, 'generator', 'demo') RETURNING id;

-- name: update_import_batch
UPDATE import_batch SET rows_stored = $1 WHERE id = $2;
