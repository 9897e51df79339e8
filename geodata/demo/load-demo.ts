import type pg from 'pg';
import { insertRows } from '../db/bulk-insert.ts';
import { deferIndexes } from '../db/deferred-indexes.ts';
import { LAYERS, type LayerKind } from '../model/layers.ts';
import { generateDemo, REGION_LAYER_ORDER, type DemoOptions, type DemoRegion } from './generate.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in load-demo.sql beside it.
const FIXED_SQL = loadStatements(new URL('./load-demo.sql', import.meta.url), ['load_demo_insert_import_batch', 'update_import_batch']);

export interface DemoLoadProgress {
  readonly layer: LayerKind;
  /** Rows of this layer stored so far. */
  readonly rows: number;
}

export interface DemoLoadResult {
  readonly importBatchId: number;
  readonly counts: Readonly<Record<LayerKind, number>>;
  readonly seededErrors: DemoRegion['seededErrors'];
  /** Generation and writing together, in milliseconds. */
  readonly elapsedMs: number;
}

const BATCH = 5000;

/**
 * Generates the demo region and writes it through insertRows in one transaction on one
 * client, under one import_batch row (kind 'demo', format 'generator', actor 'demo'): either
 * the whole region is there afterwards or none of it.
 */
export async function loadDemo(
  pool: pg.Pool,
  options: DemoOptions,
  onProgress?: (progress: DemoLoadProgress) => void,
): Promise<DemoLoadResult> {
  const started = performance.now();
  const region = generateDemo(options);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const batch = await client.query<{ id: string }>(
      FIXED_SQL.load_demo_insert_import_batch,
      [`demo seed=${region.seed} sources=${region.sourceCount}`],
    );
    const importBatchId = Number(batch.rows[0]!.id);
    // The two big tables get their secondary indexes (name search, spatial, filters) built once
    // at the end rather than row by row (a no-op for a table that already holds rows).
    const rebuild = [await deferIndexes(client, 'census_zone'), await deferIndexes(client, 'source')];
    const counts = Object.fromEntries(Object.keys(LAYERS).map((k) => [k, 0])) as Record<LayerKind, number>;
    for (const kind of REGION_LAYER_ORDER) {
      const rows = region.layers[kind];
      for (let i = 0; i < rows.length; i += BATCH) {
        counts[kind] += await insertRows(client, LAYERS[kind], rows.slice(i, i + BATCH), importBatchId);
        onProgress?.({ layer: kind, rows: counts[kind] });
      }
    }
    // The next batch is generated while the server stores the previous one.
    const batches = region.sourceBatches(BATCH);
    let next = batches.next();
    while (!next.done) {
      const stored = insertRows(client, LAYERS.source, next.value, importBatchId);
      try {
        next = batches.next();
      } catch (err) {
        await stored.catch(() => {});
        throw err;
      }
      counts.source += await stored;
      onProgress?.({ layer: 'source', rows: counts.source });
    }
    for (const build of rebuild) await build();
    const stored = Object.values(counts).reduce((a, b) => a + b, 0);
    await client.query(FIXED_SQL.update_import_batch, [stored, importBatchId]);
    await client.query('COMMIT');
    return { importBatchId, counts, seededErrors: region.seededErrors, elapsedMs: Math.round(performance.now() - started) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
