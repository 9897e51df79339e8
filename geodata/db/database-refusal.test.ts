import { describe, expect, it } from 'vitest';
import { refusalOf } from './database-refusal.ts';

const pgError = (fields: Record<string, string>) => Object.assign(new Error(fields.message ?? 'db error'), fields);

describe('refusalOf', () => {
  it('says "already registered" for a taken unique key, naming the column but never the constraint or the key', () => {
    const err = pgError({
      code: '23505', message: 'duplicate key value violates unique constraint "source_census_id_key"', constraint: 'source_census_id_key',
      detail: 'Key (census_id)=(S1) already exists.',
    });
    const r = refusalOf(err, (c) => (c === 'source_census_id_key' ? 'census_id' : undefined));
    expect(r).toEqual({ kind: 'duplicate', reason: 'already registered', column: 'census_id' });
    expect(JSON.stringify(r)).not.toMatch(/source_census_id_key|S1|Key/);
  });

  it('reads row-level security, missing references, bad values and lost connections by their codes', () => {
    expect(refusalOf(pgError({ code: '42501', message: 'new row violates row-level security policy for table "outfall"' }))?.kind).toBe('outside_scope');
    expect(refusalOf(pgError({ code: '42501', message: 'permission denied for table app_user' }))).toBeNull();
    expect(refusalOf(pgError({ code: '23503', message: 'insert or update violates foreign key constraint "x_fkey"' }))?.kind).toBe('missing_reference');
    expect(refusalOf(pgError({ code: '22003', message: 'value out of range: underflow' }))).toMatchObject({ kind: 'bad_value' });
    expect(refusalOf(pgError({ code: '57P01', message: 'terminating connection due to administrator command' }))?.kind).toBe('unavailable');
    expect(refusalOf(pgError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }))?.kind).toBe('unavailable');
  });

  it('leaves anything else to the caller as an internal error', () => {
    expect(refusalOf(pgError({ code: '42P01', message: 'relation "x" does not exist' }))).toBeNull();
    expect(refusalOf('not an error')).toBeNull();
  });
});
