import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig, loadDatabaseConfig, loadTileSettings, TIANDITU_URL_TEMPLATE } from './config.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The variable names in the first column of the README's "Configuration" table. */
function readmeVariables(): string[] {
  const section = README.split(/^## /m).find((s) => s.startsWith('Configuration'));
  if (!section) throw new Error('README has no "## Configuration" section');
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]!);
}

describe('the configuration module', () => {
  it('declares exactly the variables the README table lists, each once', () => {
    const listed = readmeVariables();
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('gives the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: undefined, dataDir: '.data', schema: 'yzt', poolSize: 10, logLevel: 'info' });
    expect(c.demo).toEqual({ enabled: true, sources: 20000, seed: 20191231 });
    expect(c.maxUploadBytes).toBe(512 * 1024 * 1024);
    expect(c.auth.anonymous).toEqual({ role: 'viewer', region: null });
    expect(c.tiles).toEqual({});
  });

  it('requires sign-in by default on a real PostgreSQL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).auth.anonymous).toBeNull();
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', YZT_ANONYMOUS: 'viewer', YZT_ANONYMOUS_REGION: '4403' }).auth.anonymous).toEqual({ role: 'viewer', region: '4403' });
  });

  it('reads the tile settings in their units', () => {
    const env = { YZT_TILE_DETAIL_ZOOM: '12', YZT_TILE_CELL: '256', YZT_TILE_CACHE_MB: '0', YZT_TILE_POLL_MS: '250', YZT_TILE_MAX_KB: '64', YZT_TILE_STORED_CELLS: '0' };
    const expected = { detailZoom: 12, cellSize: 256, cacheBytes: 0, pollMs: 250, maxTileBytes: 64 * 1024, storedCells: false };
    expect(loadTileSettings(env)).toEqual(expected);
    expect(loadConfig(env).tiles).toEqual(expected);
    expect(loadTileSettings({ YZT_TILE_CELL: '' })).toEqual({});
  });

  it.each([
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ YZT_DB_SCHEMA: 'Bad-Name' }, 'YZT_DB_SCHEMA'],
    [{ YZT_DEMO: 'yes' }, 'YZT_DEMO'],
    [{ YZT_ADMIN_PASSWORD: 'short' }, 'YZT_ADMIN_PASSWORD'],
    [{ YZT_TILE_DETAIL_ZOOM: '24' }, 'YZT_TILE_DETAIL_ZOOM'],
    [{ YZT_TILE_STORED_CELLS: 'yes' }, 'YZT_TILE_STORED_CELLS'],
    [{ YZT_TILE_CELL: '4' }, 'YZT_TILE_CELL'],
  ])('refuses %j with a ConfigError naming the variable and the value', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name}: .*\\(got ${JSON.stringify(Object.values(env)[0])}\\)`));
  });

  it('has no Tianditu base map and no 审图号 unless an admin sets them', () => {
    expect(loadConfig({}).basemap).toEqual({ tianditu: null, reviewNo: null });
    expect(loadConfig({ YZT_TIANDITU_KEY: '', YZT_MAP_REVIEW_NO: '' }).basemap).toEqual({ tianditu: null, reviewNo: null });
    expect(loadConfig({ YZT_TIANDITU_LAYER: 'imagery' }).basemap.tianditu).toBeNull();
  });

  it('reads a Tianditu key, its layer, another tile host and the 审图号', () => {
    expect(loadConfig({ YZT_TIANDITU_KEY: 'abcdef0123456789', YZT_MAP_REVIEW_NO: 'GS(2024)0650号' }).basemap).toEqual({
      tianditu: { key: 'abcdef0123456789', layer: 'vector', urlTemplate: TIANDITU_URL_TEMPLATE },
      reviewNo: 'GS(2024)0650号',
    });
    const proxied = loadConfig({ YZT_TIANDITU_KEY: 'abcdef0123456789', YZT_TIANDITU_LAYER: 'imagery', YZT_TIANDITU_URL: 'http://127.0.0.1:9/{layer}/{z}/{x}/{y}.png?tk={tk}' });
    expect(proxied.basemap.tianditu).toEqual({ key: 'abcdef0123456789', layer: 'imagery', urlTemplate: 'http://127.0.0.1:9/{layer}/{z}/{x}/{y}.png?tk={tk}' });
  });

  it.each([
    [{ YZT_TIANDITU_KEY: 'has space!' }, 'YZT_TIANDITU_KEY'],
    [{ YZT_TIANDITU_LAYER: 'terrain' }, 'YZT_TIANDITU_LAYER'],
    [{ YZT_TIANDITU_URL: 'ftp://x/{z}/{x}/{y}' }, 'YZT_TIANDITU_URL'],
    [{ YZT_TIANDITU_URL: 'https://x/tiles/{z}/{x}' }, 'YZT_TIANDITU_URL'],
  ])('refuses the base-map setting %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name}: `));
  });

  it('refuses a bad tile variable when only the tile settings are read', () => {
    expect(() => loadTileSettings({ YZT_TILE_POLL_MS: '10' })).toThrow(/YZT_TILE_POLL_MS/);
  });

  it('gives the command-line tools their database, an empty value counting as unset', () => {
    expect(loadDatabaseConfig({})).toEqual({ databaseUrl: undefined, dataDir: '.data', schema: 'yzt' });
    expect(loadDatabaseConfig({ DATABASE_URL: '', YZT_DATA_DIR: '', YZT_DB_SCHEMA: '' })).toEqual({ databaseUrl: undefined, dataDir: '.data', schema: 'yzt' });
    expect(loadDatabaseConfig({ DATABASE_URL: 'postgresql://u@h/db', YZT_DATA_DIR: '/tmp/x', YZT_DB_SCHEMA: 'demo_2', PORT: 'not read' }))
      .toEqual({ databaseUrl: 'postgresql://u@h/db', dataDir: '/tmp/x', schema: 'demo_2' });
    expect(() => loadDatabaseConfig({ YZT_DB_SCHEMA: 'x;drop' })).toThrow(/YZT_DB_SCHEMA/);
  });
});
