-- An import writes its rows to a stage table first and moves them into the layer in short
-- transactions (geodata/import/import-stage.ts), so that on the embedded engine, one session
-- for every connection, the map keeps answering during a large import. While rows move the
-- batch is 'loading'; an importer that dies then leaves a 'loading' batch, which the next
-- server start takes back (geodata/import/abandoned-imports.ts). Every batch before this
-- migration was written in one transaction: 'done'.
ALTER TABLE import_batch
  ADD COLUMN status text NOT NULL DEFAULT 'done' CHECK (status IN ('loading', 'done'));
