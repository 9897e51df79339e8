import type { PGlite } from '@electric-sql/pglite';

/**
 * The message queue between pglite-socket's connections and the one PGlite backend, replacing
 * the queue that pglite-socket 0.2.11 ships. PGlite is a single PostgreSQL session, so
 * whatever one connection leaves in the session is visible to the next message from any other
 * connection. The shipped queue keeps a connection's messages together only inside an explicit
 * transaction, which breaks the extended query protocol that pg uses for every parameterised
 * query (Parse, Bind, Describe, Execute, Sync):
 * - another connection's Parse between our Parse and Bind replaces the unnamed statement, so
 *   our Bind fails ("unnamed prepared statement does not exist") or binds to its statement;
 * - after an error PGlite answers the failing message with ReadyForQuery at once, and answers
 *   the Sync with another, so the next query on that connection receives a stray answer
 *   (electric-sql/pglite#958);
 * - an exception thrown by PGlite, or a client's Terminate message, which PGlite never answers,
 *   left the shipped queue stuck for every connection.
 * This queue gives one connection the session from its first extended-protocol message to its
 * Sync (and for a whole transaction), sends ReadyForQuery only in answer to Sync or a simple
 * Query, and after an error skips that connection's messages until its Sync, as PostgreSQL does.
 */
export class SequencedQueryQueue {
  readonly #db: PGlite;
  #queue: QueuedMessage[] = [];
  #processing = false;
  /** The connection that holds the session: inside an extended-protocol sequence or a transaction. */
  #owner: number | null = null;
  #inSequence = false;
  #skippingToSync = false;
  /** The message PGlite is running now. */
  #current: QueuedMessage | null = null;
  /** Connections that closed while one of their messages was running. */
  readonly #closedWhileRunning = new Set<number>();

  constructor(db: PGlite) {
    this.#db = db;
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ handlerId, message, onData, resolve, reject });
      void this.#process();
    });
  }

  getQueueLength(): number {
    return this.#queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.#queue = this.#queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('connection closed'));
      return false;
    });
  }

  /**
   * A closed connection gives the session back, rolling back what it left open. When one of
   * its messages is still running, that message would take the session again when it finishes
   * (its transaction or extended-protocol sequence still open, with no client left to end it),
   * so the give-back waits for it (see #process).
   */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.#current?.handlerId === handlerId) {
      this.#closedWhileRunning.add(handlerId);
      return;
    }
    if (this.#owner !== handlerId) return;
    await this.#giveBack();
    void this.#process();
  }

  async #giveBack(): Promise<void> {
    // exec takes PGlite's own lock; wrapping it in runExclusive would wait for itself.
    if (this.#db.isInTransaction()) await this.#db.exec('ROLLBACK').catch(() => {});
    this.#owner = null;
    this.#inSequence = false;
    this.#skippingToSync = false;
  }

  async #process(): Promise<void> {
    if (this.#processing) return;
    this.#processing = true;
    try {
      for (;;) {
        const index = this.#owner === null ? 0 : this.#queue.findIndex((item) => item.handlerId === this.#owner);
        if (index < 0 || this.#queue.length === 0) return;
        const [item] = this.#queue.splice(index, 1);
        this.#current = item!;
        try {
          await this.#run(item!);
        } finally {
          this.#current = null;
        }
        if (this.#closedWhileRunning.delete(item!.handlerId)) await this.#giveBack();
      }
    } finally {
      this.#processing = false;
    }
  }

  async #run(item: QueuedMessage): Promise<void> {
    const type = messageType(item.message);
    // Terminate ends one client's connection, not the shared session: PGlite would not answer
    // it, and the queue would wait for ever. The socket closes next and the session is given back.
    if (type === TERMINATE || (this.#skippingToSync && type !== SYNC)) {
      item.resolve(0);
      return;
    }
    const chunks: Uint8Array[] = [];
    try {
      await this.#db.runExclusive(() =>
        this.#db.execProtocolRawStream(item.message, { onRawData: (chunk) => chunks.push(chunk.slice()) }),
      );
    } catch (err) {
      this.#owner = this.#db.isInTransaction() ? item.handlerId : null;
      this.#inSequence = false;
      item.reject(err as Error);
      return;
    }
    let output = concat(chunks);
    if (EXTENDED.has(type)) {
      this.#inSequence = true;
      if (hasMessage(output, ERROR_RESPONSE)) this.#skippingToSync = true;
      output = withoutMessage(output, READY_FOR_QUERY);
    } else if (type === SYNC || type === QUERY) {
      this.#inSequence = false;
      this.#skippingToSync = false;
    }
    this.#owner = this.#inSequence || this.#db.isInTransaction() ? item.handlerId : null;
    if (output.length > 0) item.onData(output);
    item.resolve(output.length);
  }
}

interface QueuedMessage {
  readonly handlerId: number;
  readonly message: Uint8Array;
  readonly onData: (data: Uint8Array) => void;
  readonly resolve: (bytes: number) => void;
  readonly reject: (err: Error) => void;
}

const code = (c: string) => c.charCodeAt(0);
const SYNC = code('S');
const QUERY = code('Q');
const TERMINATE = code('X');
const ERROR_RESPONSE = code('E');
const READY_FOR_QUERY = code('Z');
// Parse, Bind, Describe, Execute, Close, Flush: messages that belong to a sequence ended by Sync.
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map(code));

/** The type byte of a frontend message; a startup message has none (its first byte is 0). */
function messageType(message: Uint8Array): number {
  return message[0] ?? 0;
}

/** Walks backend messages: a type byte, then an int32 length that counts itself. */
function* messages(data: Uint8Array): Generator<{ type: number; start: number; end: number }> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  while (pos + 5 <= data.length) {
    const end = pos + 1 + view.getInt32(pos + 1);
    yield { type: data[pos]!, start: pos, end };
    pos = end;
  }
}

function hasMessage(data: Uint8Array, type: number): boolean {
  for (const m of messages(data)) if (m.type === type) return true;
  return false;
}

function withoutMessage(data: Uint8Array, type: number): Uint8Array {
  const kept: Uint8Array[] = [];
  let dropped = false;
  for (const m of messages(data)) {
    if (m.type === type) dropped = true;
    else kept.push(data.subarray(m.start, m.end));
  }
  return dropped ? concat(kept) : data;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
