import type { Geometry } from 'geojson';
import { basename } from 'node:path';
import { compose, Transform, type Duplex } from 'node:stream';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { assertLooksLike } from './detect-format.ts';
import { chooseEncoding, encodingProblem, openTextStream, type ChosenEncoding } from './decode-text.ts';
import { epsgFromName, type DeclaredCrs } from './source-crs.ts';
import { ImportFileError, type FieldProblem, type OpenedReader, type ReadCounter, type SourceRecord } from './types.ts';

interface Token {
  readonly name: string;
  readonly value?: unknown;
}

/**
 * Streams the features of a GeoJSON FeatureCollection one at a time (stream-json), so a big
 * file is never held whole. Line numbers are feature numbers (1-based).
 */
export async function openGeoJson(path: string, encoding: string | undefined, counter: ReadCounter): Promise<OpenedReader> {
  assertLooksLike(path, 'geojson');
  const chosen = await chooseEncoding(path, encoding);
  const shape = new TopLevelShape();
  const stream = compose(
    openTextStream(path, chosen.encoding),
    parser.asStream({ streamValues: false }),
    shape.inspector(),
    pick.asStream({ filter: 'features' }),
    streamArray.asStream(),
  ) as Duplex;
  // The iterator below reports a parse error as the file's last record. The composed stream
  // may emit it again after the iterator has let go, and an 'error' event nobody listens to
  // ends the process: this listener keeps a malformed upload from taking the server down.
  stream.on('error', () => {});
  return {
    unit: 'feature',
    encoding: chosen.encoding,
    records: features(stream, shape, chosen, path, counter),
    declaredCrs: () => shape.crs(basename(path)),
    missingCrs: 'no crs member',
    async close() {
      stream.destroy();
    },
  };
}

async function* features(
  stream: Duplex,
  shape: TopLevelShape,
  chosen: ChosenEncoding,
  path: string,
  counter: ReadCounter,
): AsyncGenerator<SourceRecord> {
  let number = 0;
  try {
    for await (const item of stream as AsyncIterable<{ key: number; value: unknown }>) {
      counter.parsed++;
      number = item.key + 1;
      yield toRecord(number, item.value, chosen);
    }
  } catch (err) {
    // Malformed JSON ends the file; what came before was already checked.
    yield { line: number + 1, fields: {}, problems: [{ field: '(feature)', reason: `${basename(path)} is not valid JSON after feature ${number}: ${(err as Error).message}` }] };
    return;
  }
  // Only known once the stream has ended; the importer rolls back what it wrote.
  const problem = shape.problem();
  if (problem) throw new ImportFileError(`${basename(path)} ${problem}`);
  if (shape.crsAfterFeatures()) {
    throw new ImportFileError(`${basename(path)} has its crs member (${shape.crsName}) after the features; the importer reads it before them: move "crs" to the top of the file, or give srid`);
  }
}

function toRecord(line: number, feature: unknown, chosen: ChosenEncoding): SourceRecord {
  const problems: FieldProblem[] = [];
  const f = feature as { type?: unknown; properties?: unknown; geometry?: unknown } | null;
  if (!f || typeof f !== 'object' || f.type !== 'Feature') {
    return { line, fields: {}, geometry: null, problems: [{ field: '(feature)', reason: 'is not a GeoJSON Feature object' }] };
  }
  const properties = f.properties && typeof f.properties === 'object' ? (f.properties as Record<string, unknown>) : {};
  for (const [name, value] of Object.entries(properties)) {
    if (typeof value !== 'string') continue;
    const problem = encodingProblem(value, chosen);
    if (problem) problems.push({ field: name, reason: problem });
  }
  return { line, fields: properties, geometry: (f.geometry ?? null) as Geometry | null, problems };
}

/** Watches the top level of the token stream: it must be an object with a "features" array. */
class TopLevelShape {
  private depth = 0;
  private sawObject = false;
  private sawFeatures = false;
  private featuresIsArray = false;
  private lastKey: string | undefined;
  private type: string | undefined;
  /** The GeoJSON 2008 named crs, { "type": "name", "properties": { "name": … } }, as QGIS and GDAL write it. */
  crsName: string | undefined;
  private inCrs = false;
  private crsKey: string | undefined;
  private featuresSeen = false;
  private crsLate = false;

  /** The declared CRS once seen; only a crs member before "features" can apply to them. */
  crs(fileName: string): DeclaredCrs | null {
    this.featuresSeen = true;
    return this.crsName === undefined ? null : { text: this.crsName, from: `${fileName}'s crs member` };
  }

  crsAfterFeatures(): boolean {
    return this.crsLate;
  }

  inspector(): Transform {
    return new Transform({
      objectMode: true,
      transform: (token: Token, _enc, done) => {
        this.see(token);
        done(null, token);
      },
    });
  }

  problem(): string | null {
    if (!this.sawObject) return 'is not a GeoJSON object';
    if (!this.sawFeatures) return `is not a GeoJSON FeatureCollection${this.type ? ` (it is a ${this.type})` : ''}: no "features"`;
    if (!this.featuresIsArray) return 'has "features" that is not a list';
    return null;
  }

  private see(token: Token): void {
    if (this.depth === 0 && token.name === 'startObject') this.sawObject = true;
    if (this.depth === 1) {
      if (token.name === 'keyValue') {
        this.lastKey = String(token.value);
        if (this.lastKey === 'features') this.sawFeatures = true;
      } else if (this.lastKey === 'features' && token.name === 'startArray') {
        this.featuresIsArray = true;
      } else if (this.lastKey === 'type' && token.name === 'stringValue') {
        this.type = String(token.value);
      }
      if (token.name === 'keyValue') this.inCrs = this.lastKey === 'crs';
    }
    if (this.inCrs && this.depth === 3) {
      if (token.name === 'keyValue') this.crsKey = String(token.value);
      else if (this.crsKey === 'name' && token.name === 'stringValue') {
        this.crsName = String(token.value);
        // A crs naming plain longitude/latitude changes nothing for features already read.
        if (this.featuresSeen && epsgFromName(this.crsName) !== 4326) this.crsLate = true;
      }
    }
    if (token.name === 'startObject' || token.name === 'startArray') this.depth++;
    else if (token.name === 'endObject' || token.name === 'endArray') this.depth--;
  }
}
