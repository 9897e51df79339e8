// Connection-level failures: the database is away (restarting, failing over, network, pool
// exhausted); the same request may succeed later, so a read may be retried elsewhere and the
// caller gets 503, not 500. 25006 is a write that reached a node which is (now) a standby.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03', '25006']);
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|not yet accepting connections|in recovery mode)|is a standby, not the primary|read-only transaction/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  if (code && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  if (err instanceof AggregateError && err.errors.some(isDatabaseUnavailable)) return true;
  return CONNECTION_MESSAGES.test(err.message);
}
