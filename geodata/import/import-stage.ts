import { escapeIdentifier, type ClientBase } from 'pg';
import type { LayerSpec } from '../model/layers.ts';
import { loadStatements } from '../db/sql-statements.ts';
import type { KeyColumns } from './stored-rows.ts';

// The fixed statements of this file, by name, in import-stage.sql beside it.
const FIXED_SQL = loadStatements(new URL('./import-stage.sql', import.meta.url), [
  'next_batch_id',
  'insert_loading_batch',
  'lock_batch',
  'unlock_batch',
  'finish_batch',
  'forget_batch',
]);

/**
 * Where an import's rows wait until the whole file has been read and checked: a temporary
 * table shaped like the layer's (its columns, defaults and CHECK constraints, so a value out of
 * range is refused at its batch and named by line), plus the row's line in the file and whether
 * it replaces a stored row. Each batch goes in with its own short statement, so on the embedded
 * engine, one PostgreSQL session for every connection, the map's queries run between batches
 * instead of waiting for the file's end. A temporary table lives as long as its session: an
 * import killed while staging leaves nothing in the layer on either engine.
 */
export class ImportStage {
  readonly table: string;
  private readonly target: string;
  private readonly moved: string;
  private locked = false;

  private constructor(
    private readonly client: ClientBase,
    layer: LayerSpec,
    private readonly keys: KeyColumns,
    readonly batchId: number,
  ) {
    this.table = `import_stage_${batchId}`;
    this.target = escapeIdentifier(layer.table);
    // The layer's own columns move; an id, a generated column or a default is the table's.
    this.moved = [...layer.columns.map((c) => escapeIdentifier(c.name)), 'import_batch'].join(', ');
  }

  /** A batch id drawn from import_batch's own sequence, and its empty stage table. */
  static async open(client: ClientBase, layer: LayerSpec, keys: KeyColumns): Promise<ImportStage> {
    const { rows } = await client.query<{ id: string }>(FIXED_SQL.next_batch_id);
    const stage = new ImportStage(client, layer, keys, Number(rows[0]!.id));
    await client.query(
      `CREATE TEMPORARY TABLE ${escapeIdentifier(stage.table)} (LIKE ${stage.target} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING IDENTITY,
         import_line integer NOT NULL, import_replace boolean NOT NULL, import_seq bigint GENERATED ALWAYS AS IDENTITY)`,
    );
    return stage;
  }

  /** The last sequence number written, so the rows can be moved in ranges. */
  async lastSeq(): Promise<number> {
    const { rows } = await this.client.query<{ n: string | null }>(`SELECT max(import_seq) AS n FROM ${escapeIdentifier(this.table)}`);
    return Number(rows[0]!.n ?? 0);
  }

  /** Rows of the stage in (after, upTo], new ones or replacements: their seq and line. */
  async rowsIn(after: number, upTo: number, replace: boolean): Promise<{ seq: number; line: number }[]> {
    const { rows } = await this.client.query<{ seq: string; line: number }>(
      `SELECT import_seq AS seq, import_line AS line FROM ${escapeIdentifier(this.table)}
        WHERE import_replace = $3 AND import_seq > $1 AND import_seq <= $2 ORDER BY import_seq`,
      [after, upTo, replace],
    );
    return rows.map((r) => ({ seq: Number(r.seq), line: r.line }));
  }

  /**
   * The import_batch row, marked 'loading' while rows move (see abandoned-imports.ts), and a
   * session lock on it: a server starting meanwhile leaves a batch whose lock is held alone.
   */
  async beginMove(kind: string, fileName: string, format: string, actor: string): Promise<void> {
    await this.client.query(FIXED_SQL.insert_loading_batch, [this.batchId, kind, fileName, format, actor]);
    await this.client.query(FIXED_SQL.lock_batch, [this.batchId]);
    this.locked = true;
  }

  /** Inserts the new rows of (after, upTo] into the layer in one statement; how many. */
  async moveNew(after: number, upTo: number): Promise<number> {
    const result = await this.client.query(
      `INSERT INTO ${this.target} (${this.moved})
       SELECT ${this.moved} FROM ${escapeIdentifier(this.table)}
        WHERE NOT import_replace AND import_seq > $1 AND import_seq <= $2 ORDER BY import_seq`,
      [after, upTo],
    );
    return result.rowCount ?? 0;
  }

  /** Writes the replacements of (after, upTo] over the stored rows with their keys; how many. */
  async moveReplacements(after: number, upTo: number): Promise<number> {
    const sets = this.moved.split(', ').map((c) => `${c} = s.${c}`).join(', ');
    const on = this.keys.map((k) => `t.${escapeIdentifier(k)} = s.${escapeIdentifier(k)}`).join(' AND ');
    const result = await this.client.query(
      `UPDATE ${this.target} AS t SET ${sets} FROM ${escapeIdentifier(this.table)} AS s
        WHERE s.import_replace AND s.import_seq > $1 AND s.import_seq <= $2 AND ${on}`,
      [after, upTo],
    );
    return result.rowCount ?? 0;
  }

  /** The batch done: its count stored, status 'done'. */
  async finishBatch(rowsStored: number): Promise<void> {
    await this.client.query(FIXED_SQL.finish_batch, [rowsStored, this.batchId]);
  }

  /** Takes back what moved (a compensating delete: the new rows and the batch row). */
  async undoMove(): Promise<void> {
    await this.client.query(`DELETE FROM ${this.target} WHERE import_batch = $1`, [this.batchId]);
    await this.client.query(FIXED_SQL.forget_batch, [this.batchId]);
  }

  /** The stage table dropped and the batch's lock let go; safe to call on any path. */
  async close(): Promise<void> {
    await this.client.query(`DROP TABLE IF EXISTS ${escapeIdentifier(this.table)}`);
    if (this.locked) await this.client.query(FIXED_SQL.unlock_batch, [this.batchId]);
    this.locked = false;
  }
}
