import { describe, expect, it } from 'vitest';
import { AGGREGATIONS, TILE_LAYERS } from './tile-layers.ts';
import { featureCountStatement, tileStatement, type Encoding, type TileVariant } from './tile-queries.ts';
import { sourceWhere } from '../geodata/explore/filters.ts';

const ENCODINGS: Encoding[] = ['mvt', 'rows'];

/** Each statement pinned as text: a change to the SQL of a tile shows as a diff in review. */
describe('the tile statements', () => {
  for (const layer of TILE_LAYERS.values()) {
    const variants: TileVariant[] =
      layer.id === 'sources'
        ? [{ kind: 'features' }, ...AGGREGATIONS.map((agg): TileVariant => ({ kind: 'cells', agg })), { kind: 'stored-cells' }, { kind: 'stored-type-cells' }]
        : [{ kind: 'features' }];
    for (const variant of variants) {
      for (const encoding of ENCODINGS) {
        const label = `${layer.id} ${variant.kind === 'cells' ? `cells/${variant.agg}` : variant.kind} ${encoding}`;
        it(`are pinned: ${label}`, async () => {
          // One readable .sql file per statement: a change to a tile's SQL is a diff of SQL lines.
          await expect(tileStatement(layer, variant, encoding).text + '\n').toMatchFileSnapshot(`./__snapshots__/statements/${label.replace(/[ /]/g, '-')}.sql`);
        });
      }
    }
  }

  it('are pinned: the sources budget count', async () => {
    await expect(featureCountStatement(TILE_LAYERS.get('sources')!).text + '\n').toMatchFileSnapshot('./__snapshots__/statements/sources-budget-count.sql');
  });

  it('are pinned: the source lists\u2019 WHERE clause', () => {
    expect(sourceWhere().sql).toMatchSnapshot();
  });
});
