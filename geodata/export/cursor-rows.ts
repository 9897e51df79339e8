import type pg from 'pg';
import QueryStream from 'pg-query-stream';

/** Rows fetched per round trip from the cursor. */
const BATCH_ROWS = 1_000;

/**
 * The rows of one statement from a database cursor, 1,000 per round trip, in a read-only
 * transaction on one connection of `pool` (the caller's scoped pool, so region scope holds).
 * Breaking off the iteration closes the cursor and gives the connection back.
 */
export async function* cursorRows(pool: pg.Pool, text: string, values: unknown[]): AsyncGenerator<Record<string, unknown>> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN READ ONLY');
    // Awaited: a scoped pool's client hands the stream back in a promise.
    const stream: QueryStream = await client.query(new QueryStream(text, values, { batchSize: BATCH_ROWS }));
    for await (const row of stream as AsyncIterable<Record<string, unknown>>) yield row;
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release(failed);
  }
}
