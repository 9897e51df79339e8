import { describe, expect, it } from 'vitest';
import { NO_FILTERS, parseTileFilters, type TileFilters } from './tile-filters.ts';
import { AGGREGATIONS, TILE_LAYERS } from './tile-layers.ts';
import { STORED_CELL_LEVELS, STORED_TYPE_CELL_LEVELS, featureCountStatement, storedCellLevel, tileStatement, type Encoding, type TileVariant } from './tile-queries.ts';

const TILE = { z: 10, x: 835, y: 446 };
const ENCODINGS: Encoding[] = ['mvt', 'rows'];
const sources = TILE_LAYERS.get('sources')!;

/** The highest $n placeholder in a statement. */
const maxParam = (text: string) => Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));

const variants = (layerId: string): TileVariant[] =>
  layerId === 'sources'
    ? [{ kind: 'features' }, ...AGGREGATIONS.map((agg) => ({ kind: 'cells' as const, agg })), { kind: 'stored-cells' }, { kind: 'stored-type-cells' }]
    : [{ kind: 'features' }];

const cases = [...TILE_LAYERS.keys()].flatMap((id) => variants(id).flatMap((v) => ENCODINGS.map((e) => [id, v, e] as const)));

describe('tile statements', () => {
  it.each(cases)('%s %j (%s) binds exactly the parameters its text uses', (id, variant, encoding) => {
    const layer = TILE_LAYERS.get(id)!;
    const statement = tileStatement(layer, variant, encoding);
    const filters: TileFilters = variant.kind === 'stored-type-cells' ? parseTileFilters(layer, { type: 'industrial' }) : NO_FILTERS;
    const values = statement.values(TILE, filters, 256);
    expect(values.slice(0, 3)).toEqual([TILE.z, TILE.x, TILE.y]);
    expect(maxParam(statement.text)).toBe(values.length);
    expect(statement.name).toMatch(/^yzt_tile_[0-9a-f]{16}$/);
  });

  it('is built once per layer, variant and encoding', () => {
    expect(tileStatement(sources, { kind: 'features' }, 'mvt')).toBe(tileStatement(sources, { kind: 'features' }, 'mvt'));
    expect(tileStatement(sources, { kind: 'features' }, 'mvt')).not.toBe(tileStatement(sources, { kind: 'features' }, 'rows'));
    expect(tileStatement(sources, { kind: 'cells', agg: 'grid' }, 'mvt').name).not.toBe(tileStatement(sources, { kind: 'cells', agg: 'zone' }, 'mvt').name);
  });

  it('encodes in the database with ST_AsMVT on the mvt path and returns rows otherwise', () => {
    for (const variant of variants('sources')) {
      expect(tileStatement(sources, variant, 'mvt').text).toContain('ST_AsMVT(');
      expect(tileStatement(sources, variant, 'rows').text).not.toContain('ST_AsMVT');
    }
  });

  it('names the MVT layer: the layer id for features, source_cells for aggregated sources', () => {
    expect(tileStatement(sources, { kind: 'features' }, 'rows').layerName).toBe('sources');
    expect(tileStatement(sources, { kind: 'cells', agg: 'county' }, 'rows').layerName).toBe('source_cells');
    expect(tileStatement(sources, { kind: 'stored-cells' }, 'rows').layerName).toBe('source_cells');
    expect(tileStatement(TILE_LAYERS.get('river_reaches')!, { kind: 'features' }, 'rows').geometry).toBe('line');
  });

  it('passes filter values as bind values, never as SQL text', () => {
    const filters = parseTileFilters(sources, { type: 'industrial,domestic', industry: '2614', division: '440305', basin: 'BJ01', pollutant: 'nh3n', min: '42.5', status: 'closed', review: 'clean' });
    for (const variant of variants('sources')) {
      const statement = tileStatement(sources, variant, 'mvt');
      const values = statement.values(TILE, filters, 256);
      for (const word of ['2614', '440305', 'BJ01', '42.5']) expect(statement.text).not.toContain(word);
      if (variant.kind === 'features' || variant.kind === 'cells') {
        expect(values).toEqual(expect.arrayContaining([['domestic', 'industrial'], '2614', '440305', 'BJ01', 'nh3n', 42.5, ['closed'], 'clean']));
      }
    }
  });

  it('takes the grid cell size as $4 for grid cells only', () => {
    expect(tileStatement(sources, { kind: 'cells', agg: 'grid' }, 'rows').values(TILE, NO_FILTERS, 128)[3]).toBe(128);
    expect(tileStatement(sources, { kind: 'cells', agg: 'county' }, 'rows').values(TILE, NO_FILTERS, 128)).not.toContain(128);
  });

  it('refuses stored type cells without a type filter', () => {
    expect(() => tileStatement(sources, { kind: 'stored-type-cells' }, 'rows').values(TILE, NO_FILTERS, 256)).toThrow(/need a type filter/);
  });

  it('counts the features of a point tile up to a limit, with the same filters', () => {
    const count = featureCountStatement(sources);
    const filters = parseTileFilters(sources, { division: '4403' });
    const values = count.values(TILE, filters, 5001);
    expect(values.slice(0, 4)).toEqual([TILE.z, TILE.x, TILE.y, 5001]);
    expect(values).toContain('4403');
    expect(maxParam(count.text)).toBe(values.length);
    expect(count.text).toContain('LIMIT $4::int');
  });
});

describe('stored cell levels', () => {
  it('rolls a tile up from the first stored level at or below its cell level', () => {
    // 256-unit cells in a 4096 tile are 16 per side: level z + 4.
    expect(storedCellLevel(0, 256)).toEqual({ level: 4, base: 5 });
    expect(storedCellLevel(4, 256)).toEqual({ level: 8, base: 8 });
    expect(storedCellLevel(7, 256)).toEqual({ level: 11, base: 11 });
    expect(storedCellLevel(9, 256)).toEqual({ level: 13, base: 14 });
    expect(storedCellLevel(13, 256)).toEqual({ level: 17, base: 17 });
  });

  it('has no stored level for cells finer than the finest level or of a size not a power of two', () => {
    expect(storedCellLevel(14, 256)).toBeNull();
    expect(storedCellLevel(5, 300)).toBeNull();
    expect(storedCellLevel(5, 8192)).toBeNull();
    expect(storedCellLevel(11, 256, STORED_TYPE_CELL_LEVELS)).toBeNull();
    expect(storedCellLevel(10, 256, STORED_TYPE_CELL_LEVELS)).toEqual({ level: 14, base: 14 });
    expect(storedCellLevel(9, 256, STORED_TYPE_CELL_LEVELS)).toEqual({ level: 13, base: 14 });
    expect(STORED_CELL_LEVELS.at(-1)).toBe(17);
  });
});
