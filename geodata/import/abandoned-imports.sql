-- Fixed statements of abandoned-imports.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: abandoned_batches
-- A 'loading' batch whose importer's session lock (import-stage.sql lock_batch) can be taken
-- has no importer left. The transaction-level lock keeps a second server from taking it too.
SELECT id, kind FROM import_batch
 WHERE status = 'loading'
   AND pg_try_advisory_xact_lock(hashtext(current_schema() || '.import_batch'), (id % 2147483647)::int)
 ORDER BY id;

-- name: forget_batch
DELETE FROM import_batch WHERE id = $1;
