import { isDatabaseUnavailable } from './connection-errors.ts';
/**
 * What a PostgreSQL error means for the caller, read from its SQLSTATE: the one place that
 * knows the codes. The HTTP mapping (server/http-errors.ts) and the importers' row reasons
 * (geodata/import/run-import.ts) both read it, so neither passes the database's own wording on.
 * That wording names constraints and tables ("duplicate key value violates unique constraint
 * source_census_id_key"), and for a unique key it tells a district user that a census id exists
 * elsewhere and where to look; the reason here says "already registered" and nothing more.
 */
export type RefusalKind =
  /** a unique key is taken (possibly by a row the caller may not see) */
  | 'duplicate'
  /** row-level security: the row lies outside the caller's region */
  | 'outside_scope'
  /** a reference to a row that does not exist */
  | 'missing_reference'
  /** a value the column does not take (check, not null, type, range, length) */
  | 'bad_value'
  /** the database is away or restarting; the same request may succeed later */
  | 'unavailable';

export interface Refusal {
  readonly kind: RefusalKind;
  /** Safe to show: no constraint, table or key text of the database. */
  readonly reason: string;
  /** The column at fault when the database says which. */
  readonly column?: string;
}

interface PgError {
  code?: string;
  message?: string;
  column?: string;
  constraint?: string;
  table?: string;
}


// Data exceptions (class 22) whose message is about the value alone and names no object.
const VALUE_MESSAGES: Record<string, string> = {
  '22001': 'the text is longer than the column takes',
  '22003': 'the number is out of range for the column',
  '22007': 'not a valid date or time',
  '22008': 'the date or time is out of range',
  '22P02': 'not a valid value for the column\'s type',
  '22023': 'an invalid parameter value',
  '22021': 'text that is not valid UTF-8 (for instance a NUL character)',
  '22P05': 'text that the database encoding cannot hold',
};

/**
 * The refusal in `err`, or null when it is not a database refusal (a bug: a 500 and a log line).
 * `columnOf` turns a constraint name into the column it guards, so a field can be named
 * without the constraint name leaving the process.
 */
export function refusalOf(err: unknown, columnOf: (constraint: string) => string | undefined = () => undefined): Refusal | null {
  if (!(err instanceof Error)) return null;
  const e = err as PgError;
  const code = e.code ?? '';
  if (isDatabaseUnavailable(err)) {
    return { kind: 'unavailable', reason: 'the database is unavailable; try again in a few seconds' };
  }
  const column = e.column ?? (e.constraint ? columnOf(e.constraint) : undefined);
  const withColumn = (r: Omit<Refusal, 'column'>): Refusal => (column ? { ...r, column } : r);
  if (code === '23505') return withColumn({ kind: 'duplicate', reason: 'already registered' });
  if (code === '42501' && /row-level security/i.test(e.message ?? '')) {
    return { kind: 'outside_scope', reason: 'outside your region: the row lies in another division (row-level security)' };
  }
  if (code === '23503') return withColumn({ kind: 'missing_reference', reason: 'refers to something that does not exist' });
  if (code === '23502') return withColumn({ kind: 'bad_value', reason: 'a value is required' });
  if (code === '23514') return withColumn({ kind: 'bad_value', reason: 'the value is not allowed here' });
  if (VALUE_MESSAGES[code]) return withColumn({ kind: 'bad_value', reason: VALUE_MESSAGES[code]! });
  return null;
}
