import { escapeIdentifier } from 'pg';
import type pg from 'pg';
import { inTransaction } from '../db/transaction.ts';
import { loadStatements } from '../db/sql-statements.ts';
import { isLayerKind, LAYERS } from '../model/layers.ts';

const FIXED_SQL = loadStatements(new URL('./abandoned-imports.sql', import.meta.url), ['abandoned_batches', 'forget_batch']);

export interface AbandonedImport {
  readonly batchId: number;
  readonly kind: string;
  readonly rowsRemoved: number;
}

/**
 * Takes back the imports whose importer died while their rows were moving into the layer
 * (import-stage.ts): the rows of each such batch and its import_batch row, in one transaction,
 * so a killed import leaves nothing. Runs on the owner pool (row-level security would hide rows
 * of other regions) when a server starts; a batch another live server is still moving is held
 * by that server's session lock and left alone.
 */
export async function takeBackAbandonedImports(pool: pg.Pool): Promise<AbandonedImport[]> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string; kind: string }>(FIXED_SQL.abandoned_batches);
    const taken: AbandonedImport[] = [];
    for (const batch of rows) {
      const id = Number(batch.id);
      let removed = 0;
      if (isLayerKind(batch.kind)) {
        const result = await client.query(`DELETE FROM ${escapeIdentifier(LAYERS[batch.kind].table)} WHERE import_batch = $1`, [id]);
        removed = result.rowCount ?? 0;
      }
      await client.query(FIXED_SQL.forget_batch, [id]);
      taken.push({ batchId: id, kind: batch.kind, rowsRemoved: removed });
    }
    return taken;
  });
}
