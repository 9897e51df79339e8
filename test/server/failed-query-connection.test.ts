import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

// A failed parameterised query must not leave its connection answering later queries with
// the wrong results (pglite-socket's own queue sent a stray ReadyForQuery after an error; see
// geodata/db/sequenced-query-queue.ts). Through the pool, on both engines.
describe('a connection whose query failed', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('failed_query');
  });
  afterAll(() => db.close());

  it('does not shift the answers of later queries on the pool', async () => {
    for (let round = 0; round < 5; round++) {
      const client = await db.pool.connect();
      const failing = client.query('SELECT 1 / $1::int AS x', [0]).catch((e: Error) => e.message);
      const queued = client.query('SELECT $1::int AS v', [round]).then((r) => r.rows, (e: Error) => e.message);
      expect(await failing).toMatch(/division by zero/);
      await queued; // answered or not, this connection must not go back to the pool
      client.release();
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => db.pool.query('SELECT $1::int AS v, $2::text AS s', [i, `r${round}`])),
      );
      results.forEach((r, i) => expect(r.rows).toEqual([{ v: i, s: `r${round}` }]));
    }
  });

  it('rolls back the transaction it had open', async () => {
    await db.pool.query('CREATE TABLE probe (a int CHECK (a > 0))');
    const client = await db.pool.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO probe VALUES ($1)', [1]);
    await expect(client.query('INSERT INTO probe VALUES ($1)', [-1])).rejects.toThrow(/check constraint/);
    await client.query('ROLLBACK').catch(() => {});
    client.release();
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM probe');
    expect(rows[0].n).toBe(0);
  });
});
