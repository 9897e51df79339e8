import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTileService, type TileService } from '../../tiles/tile-service.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loadFixture, SAMPLE_TILES } from './fixture.ts';
import { decodeTile, features, type DecodedFeature } from './tile-client.ts';

/**
 * Decoded tiles dumped as text and kept as snapshots (as Martin's e2e tests keep theirs): a
 * change to a tile statement, a layer's attributes or the encoder shows up as a readable diff
 * of features, attributes and coordinates. One set per engine, since ST_AsMVTGeom and the
 * embedded engine's clip chain may round a line or polygon vertex one grid unit apart (the
 * engines-agree test bounds that difference); points and attributes are the same in both.
 * `vitest -u` rewrites them; read the diff before committing it.
 */
const ENGINE = inject('engine');

describe('decoded tiles', () => {
  let db: TestDatabase;
  let tiles: TileService;

  beforeAll(async () => {
    db = await openTestDatabase('tiles_decoded');
    await loadFixture(db.pool);
    tiles = await createTileService({ pool: db.pool, schema: db.schema, databaseUrl: db.url, options: { cacheBytes: 0 } });
  });
  afterAll(async () => {
    await tiles?.close();
    await db?.close();
  });

  it.each(SAMPLE_TILES)('%s %o %o reads as its snapshot', async (layer, t, query) => {
    const answer = await tiles.tile({ layer, z: String(t.z), x: String(t.x), y: String(t.y), query });
    const decoded = decodeTile(answer.bytes);
    const lines = [`# ${layer} ${t.z}/${t.x}/${t.y} ${new URLSearchParams(query).toString() || '(no filter)'}`];
    for (const [name, l] of Object.entries(decoded)) {
      const fs = features(l).map(describeFeature).sort();
      lines.push(`layer ${name}: version ${l.version}, extent ${l.extent}, ${fs.length} features`, ...fs);
    }
    expect(lines.length, 'the sample tile holds features').toBeGreaterThan(2);
    const file = `${layer}-${t.z}-${t.x}-${t.y}${Object.keys(query).length ? '-' + Object.entries(query).map(([k, v]) => `${k}_${v}`).join('-') : ''}.txt`;
    await expect(lines.join('\n') + '\n').toMatchFileSnapshot(`./__snapshots__/decoded-${ENGINE}/${file}`);
  });
});

const TYPES = ['Unknown', 'Point', 'LineString', 'Polygon'];

/** One feature a line: id, type, attributes by name, then its rings of tile coordinates. */
function describeFeature(f: DecodedFeature): string {
  // Sums of emissions may differ in the last bits between engines: six decimals are kept.
  const props = Object.keys(f.properties).sort().map((k) => {
    const v = f.properties[k];
    return `${k}=${typeof v === 'number' ? Number(v.toFixed(6)) : JSON.stringify(v)}`;
  });
  const rings = f.geometry.map((ring) => ring.map((p) => `${p.x} ${p.y}`).join(', '));
  return `${f.id === undefined ? '-' : `#${f.id}`} ${TYPES[f.type]} {${props.join(' ')}} (${rings.join(' | ')})`;
}
