import { describe, expect, it } from 'vitest';
import { formatLsn, parseLsn, retryRead } from './read-routing.ts';

describe('WAL positions and read retries', () => {
  it('reads and writes PostgreSQL LSNs as 64-bit numbers that order as the WAL does', () => {
    expect(parseLsn('0/3000148')).toBe(0x3000148n);
    expect(parseLsn('1/0')).toBe(1n << 32n);
    expect(parseLsn('16/B374D848') > parseLsn('16/B374D847')).toBe(true);
    expect(formatLsn(parseLsn('16/B374D848'))).toBe('16/B374D848');
    expect(() => parseLsn('nonsense')).toThrow(/not a PostgreSQL LSN/);
  });

  it('runs a read again after a connection failure, but not after any other error', async () => {
    let calls = 0;
    const flaky = () => {
      calls++;
      if (calls < 3) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      return Promise.resolve('ok');
    };
    expect(await retryRead(flaky, 5_000)).toBe('ok');
    expect(calls).toBe(3);
    let syntax = 0;
    await expect(retryRead(() => {
      syntax++;
      return Promise.reject(Object.assign(new Error('syntax error'), { code: '42601' }));
    })).rejects.toThrow(/syntax error/);
    expect(syntax).toBe(1);
  });
});
