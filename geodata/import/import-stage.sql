-- Fixed statements of import-stage.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: next_batch_id
-- The id is drawn before the batch row exists: the row is written only when rows start to move.
SELECT nextval(pg_get_serial_sequence('import_batch', 'id')) AS id;

-- name: insert_loading_batch
INSERT INTO import_batch (id, kind, file_name, format, actor, status)
  OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, 'loading');

-- name: lock_batch
-- Session-level: held across the move's transactions, let go by unlock_batch or by the
-- session's end (a killed importer), when abandoned-imports.ts may take the batch back.
SELECT pg_advisory_lock(hashtext(current_schema() || '.import_batch'), ($1::bigint % 2147483647)::int);

-- name: unlock_batch
SELECT pg_advisory_unlock(hashtext(current_schema() || '.import_batch'), ($1::bigint % 2147483647)::int);

-- name: finish_batch
UPDATE import_batch SET rows_stored = $1, status = 'done' WHERE id = $2;

-- name: forget_batch
DELETE FROM import_batch WHERE id = $1;
