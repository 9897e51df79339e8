import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('replica configuration', () => {
  it('splits YZT_READ_URLS where the next URL starts, so a multi-host URL keeps its commas', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@p:5432/yzt',
      YZT_READ_URLS: 'postgres://u@r1:5432/yzt,postgres://u@r2:5432,r3:5432/yzt?target_session_attrs=any',
      YZT_REPLICA_MAX_LAG_MS: '2500',
    });
    expect(c.replicas.readUrls).toEqual(['postgres://u@r1:5432/yzt', 'postgres://u@r2:5432,r3:5432/yzt?target_session_attrs=any']);
    expect(c.replicas.maxLagMs).toBe(2500);
  });

  it('refuses standbys without a primary: the embedded engine has none', () => {
    expect(() => loadConfig({ YZT_READ_URLS: 'postgres://u@r1/yzt' })).toThrow(/YZT_READ_URLS: needs DATABASE_URL/);
  });
});
