import { describe, expect, it } from 'vitest';
import { needsFollowing, parsePostgresUrl } from './postgres-url.ts';

describe('postgres URLs with several hosts', () => {
  it('splits a libpq multi-host URL into one single-host URL per node, keeping user, database and other parameters', () => {
    const p = parsePostgresUrl('postgres://yzt:secret@db-a:5432,db-b:6543/yzt?target_session_attrs=read-write&application_name=yzt');
    expect(p.hosts).toEqual([{ host: 'db-a', port: 5432 }, { host: 'db-b', port: 6543 }]);
    expect(p.targetSessionAttrs).toBe('read-write');
    expect(p.urls).toEqual([
      'postgres://yzt:secret@db-a:5432/yzt?application_name=yzt',
      'postgres://yzt:secret@db-b:6543/yzt?application_name=yzt',
    ]);
  });

  it('takes "primary" as read-write, defaults the port to 5432, and leaves a plain URL to node-postgres', () => {
    expect(parsePostgresUrl('postgresql://u@h/db?target_session_attrs=primary').targetSessionAttrs).toBe('read-write');
    expect(parsePostgresUrl('postgres://u@h/db').hosts).toEqual([{ host: 'h', port: 5432 }]);
    expect(needsFollowing('postgres://u@127.0.0.1:5432/db')).toBe(false);
    expect(needsFollowing('postgres://u@a,b/db')).toBe(true);
  });

  it('refuses target_session_attrs it cannot honour, naming the value and the ones it can', () => {
    expect(() => parsePostgresUrl('postgres://u@a,b/db?target_session_attrs=standby')).toThrow(/standby is not supported \(use read-write, primary or any\)/);
    expect(() => parsePostgresUrl('mysql://u@a/db')).toThrow(/is not postgres:\/\//);
  });
});
