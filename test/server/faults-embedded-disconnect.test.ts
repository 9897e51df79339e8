import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../geodata/db/embedded-engine.ts';
import { SequencedQueryQueue } from '../../geodata/db/sequenced-query-queue.ts';

// The embedded engine is one PGlite session shared by every socket connection. A client that
// goes away (killed process, dropped socket) while one of its messages is still running must
// give the session back, rolling back what it left open; otherwise every other connection
// waits for ever.

/** Frontend messages: a type byte and an int32 length that counts itself, then the body. */
const frontend = (type: string, body = ''): Uint8Array => {
  const b = Buffer.from(body, 'utf8');
  const out = Buffer.alloc(5 + b.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + b.length, 1);
  b.copy(out, 5);
  return new Uint8Array(out);
};
const backend = (type: string, body: number[] = []): number[] => [type.charCodeAt(0), 0, 0, 0, 4 + body.length, ...body];

/** A stand-in for PGlite whose statements finish when the test says so. */
class FakeSession {
  inTransaction = false;
  readonly executed: string[] = [];
  pending: { finish: () => void } | null = null;
  asPGlite(): PGlite {
    return {
      isInTransaction: () => this.inTransaction,
      runExclusive: <T>(fn: () => Promise<T>) => fn(),
      exec: async (sql: string) => {
        this.executed.push(sql);
        if (sql === 'ROLLBACK') this.inTransaction = false;
        return [];
      },
      execProtocolRawStream: (message: Uint8Array, { onRawData }: { onRawData: (c: Uint8Array) => void }) => {
        const type = String.fromCharCode(message[0]!);
        const text = Buffer.from(message.subarray(5)).toString('utf8').replace(/\0+$/, '');
        this.executed.push(type === 'Q' ? text : type);
        const reply = (): void => {
          if (type === 'Q' && /^BEGIN/i.test(text)) this.inTransaction = true;
          if (type === 'P') onRawData(new Uint8Array([...backend('1'), ...backend('Z', [73])]));
          else if (type === 'E') onRawData(new Uint8Array([...backend('C', [0]), ...backend('Z', [this.inTransaction ? 84 : 73])]));
          else onRawData(new Uint8Array([...backend('C', [0]), ...backend('Z', [this.inTransaction ? 84 : 73])]));
        };
        if (type === 'E' || (type === 'Q' && /^BEGIN|pg_sleep/i.test(text))) {
          // Runs until finish(): the message is in flight when its connection closes.
          return new Promise<void>((resolve) => {
            this.pending = { finish: () => (reply(), resolve()) };
          });
        }
        reply();
        return Promise.resolve();
      },
    } as unknown as PGlite;
  }
}

/** What pglite-socket's handler does when its socket closes (detach). */
async function closeConnection(queue: SequencedQueryQueue, handlerId: number): Promise<void> {
  queue.clearQueueForHandler(handlerId);
  await queue.clearTransactionIfNeeded(handlerId);
}

const settle = () => new Promise((r) => setTimeout(r, 20));
const answered = (p: Promise<unknown>) => Promise.race([p.then(() => true), settle().then(() => false)]);

describe('the embedded engine when a client goes away with a message still running', () => {
  it('gives the session back after an extended-protocol Execute outside a transaction', async () => {
    const session = new FakeSession();
    const queue = new SequencedQueryQueue(session.asPGlite());
    const dead = 1;
    const other = 2;
    await queue.enqueue(dead, frontend('P', '\0SELECT pg_sleep(5)\0\0\0'), () => {});
    const running = queue.enqueue(dead, frontend('E', '\0\0\0\0\0'), () => {}).catch(() => 0);
    await settle();
    expect(session.pending).not.toBeNull();
    await closeConnection(queue, dead);
    session.pending!.finish();
    await running;
    // Another connection's query must run now, not wait for a Sync that will never come.
    expect(await answered(queue.enqueue(other, frontend('Q', 'SELECT 1\0'), () => {}))).toBe(true);
  });

  it('rolls back a transaction begun by a message that was still running when the client went away', async () => {
    const session = new FakeSession();
    const queue = new SequencedQueryQueue(session.asPGlite());
    const dead = 1;
    const other = 2;
    const running = queue.enqueue(dead, frontend('Q', 'BEGIN\0'), () => {}).catch(() => 0);
    await settle();
    expect(session.pending).not.toBeNull();
    await closeConnection(queue, dead);
    session.pending!.finish();
    await running;
    expect(await answered(queue.enqueue(other, frontend('Q', 'SELECT 1\0'), () => {}))).toBe(true);
    expect(session.executed).toContain('ROLLBACK');
    expect(session.executed.indexOf('ROLLBACK')).toBeLessThan(session.executed.indexOf('SELECT 1'));
    expect(session.inTransaction).toBe(false);
  });

  it('rolls back an open transaction when the client goes away between messages', async () => {
    const session = new FakeSession();
    const queue = new SequencedQueryQueue(session.asPGlite());
    const begin = queue.enqueue(1, frontend('Q', 'BEGIN\0'), () => {});
    await settle();
    session.pending!.finish();
    await begin;
    // The open transaction holds the session: another connection waits.
    const waiting = queue.enqueue(2, frontend('Q', 'SELECT 2\0'), () => {});
    expect(await answered(waiting)).toBe(false);
    await closeConnection(queue, 1);
    expect(await answered(waiting)).toBe(true);
    expect(session.executed.indexOf('ROLLBACK')).toBeLessThan(session.executed.indexOf('SELECT 2'));
  });
});

describe('a real embedded engine when a client drops its socket during a query', () => {
  let dir: string;
  let engine: EmbeddedEngine;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yzt-faults-disconnect-'));
    engine = await startEmbeddedEngine({ dataDir: dir });
  });
  afterAll(async () => {
    await engine?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const client = async () => {
    // query_timeout: a session left to a dead connection shows as a timeout here, not a hung suite.
    const c = new pg.Client({ connectionString: engine.url, query_timeout: 30_000 });
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  const drop = (c: pg.Client) => (c as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();

  it('answers other connections after a parameterised query and an open transaction lose their client', async () => {
    const setup = await client();
    await setup.query('CREATE TABLE dropped (a int)');
    await setup.end();
    for (let round = 0; round < 3; round++) {
      const a = await client();
      // A parameterised (extended protocol) statement that runs for a while, outside a transaction.
      const sleeping = a.query('SELECT pg_sleep($1::float8)', [0.3 + round * 0.2]).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 100));
      drop(a);
      await sleeping;
      const b = await client();
      await b.query('BEGIN');
      await b.query('INSERT INTO dropped VALUES ($1)', [round]);
      const inside = b.query('SELECT pg_sleep($1::float8)', [0.3]).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 100));
      drop(b);
      await inside;
      const c = await client();
      const { rows } = await c.query('SELECT count(*)::int AS n FROM dropped');
      expect(rows[0].n).toBe(0);
      await c.end();
    }
  });
});
