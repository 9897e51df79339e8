import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';

// The embedded engine is one PostgreSQL session behind a socket; these check that its
// connections still behave like separate sessions for the extended query protocol.
describe.skipIf(inject('engine') !== 'embedded')('embedded engine connections', () => {
  const clients: pg.Client[] = [];
  const connect = async () => {
    const c = new pg.Client(inject('databaseUrl'));
    c.on('error', () => {});
    await c.connect();
    clients.push(c);
    return c;
  };
  let a: pg.Client;
  let b: pg.Client;
  beforeAll(async () => {
    a = await connect();
    b = await connect();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  });

  it('answers a query queued behind a failing one with its own result', async () => {
    for (let i = 0; i < 5; i++) {
      const failing = a.query('SELECT 1 / $1::int AS x', [0]).then(() => 'no error', (e: Error) => e.message);
      const next = a.query('SELECT $1::int AS v', [i]);
      const after = a.query('SELECT $1::text AS s', [`after${i}`]);
      expect(await failing).toMatch(/division by zero/);
      expect((await next).rows).toEqual([{ v: i }]);
      expect((await after).rows).toEqual([{ s: `after${i}` }]);
    }
  });

  it('keeps parameterised queries of other connections apart from an open transaction', async () => {
    await a.query('CREATE TEMP TABLE IF NOT EXISTS q_probe (k int)');
    await a.query('BEGIN');
    const others = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        b.query('SELECT $1::int * 2 AS v, $2::text AS s', [i, `s${i}`]).then((r) => r.rows[0]),
      ),
    );
    for (let i = 0; i < 20; i++) {
      await a.query('INSERT INTO q_probe VALUES ($1)', [i]);
      await new Promise((r) => setTimeout(r, 2)); // Node work between statements of the transaction
    }
    const inside = await a.query('SELECT count(*)::int AS n FROM q_probe WHERE k >= $1', [0]);
    await a.query('COMMIT');
    expect(inside.rows).toEqual([{ n: 20 }]);
    const rows = await others;
    rows.forEach((row, i) => expect(row).toEqual({ v: i * 2, s: `s${i}` }));
  });

  it('rolls back after an error inside a transaction and keeps answering in order', async () => {
    await a.query('BEGIN');
    await expect(a.query('SELECT 1 / $1::int', [0])).rejects.toThrow(/division by zero/);
    await expect(a.query('SELECT $1::int', [1])).rejects.toThrow(/current transaction is aborted/);
    await a.query('ROLLBACK');
    expect((await a.query('SELECT $1::int AS v', [42])).rows).toEqual([{ v: 42 }]);
    expect((await b.query('SELECT $1::int AS v', [43])).rows).toEqual([{ v: 43 }]);
  });

  it('gives the session back when a connection closes inside a transaction', async () => {
    const c = await connect();
    await c.query('BEGIN');
    await c.query('SELECT $1::int', [1]);
    await c.end();
    expect((await b.query('SELECT $1::int AS v', [7])).rows).toEqual([{ v: 7 }]);
    expect((await b.query('SELECT pg_current_xact_id_if_assigned() IS NULL AS idle')).rows).toEqual([{ idle: true }]);
  });
});
