import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { z } from 'zod';
import { parseTileFilters, TileFilterError, type TileFilters } from '../../tiles/tile-filters.ts';
import { filterSql } from '../../tiles/tile-queries.ts';
import type { OgcCollection } from './collections.ts';

/** The largest page a client may ask for (OGC `limit`); GDAL reads it from the API document. */
export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 100;
/** Rows fetched from the database cursor per round trip while a page streams. */
const BATCH_ROWS = 1_000;

/** Bad query parameters: the route answers 400 with this message. */
export class OgcQueryError extends Error {
  override name = 'OgcQueryError';
}

export interface ItemsQuery {
  readonly limit: number;
  readonly bbox: readonly [number, number, number, number] | null;
  /** The last key of the previous page (keyset paging), or null for the first page. */
  readonly after: string | null;
  readonly filters: TileFilters;
}

/** Parameters every items request may carry; the rest are the collection's tile filters. */
export const ITEMS_PARAMETERS = ['limit', 'bbox', 'bbox-crs', 'cursor', 'f'] as const;
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

const Limit = z.coerce.number().int().min(1).max(MAX_LIMIT);
const Bbox = z
  .string()
  .transform((s) => s.split(',').map((v) => Number(v.trim())))
  .pipe(z.array(z.number().finite()).refine((b) => b.length === 4 || b.length === 6, 'needs 4 (or 6) numbers'))
  .transform((b) => (b.length === 6 ? [b[0]!, b[1]!, b[3]!, b[4]!] : b) as [number, number, number, number])
  .refine((b) => b[1] <= b[3], 'south must not exceed north');

/** Validates an items query; a wrong value is an OgcQueryError naming the parameter and the fix. */
export function parseItemsQuery(collection: OgcCollection, query: Record<string, unknown>): ItemsQuery {
  const rest: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw new OgcQueryError(`parameter "${name}" must be given once`);
    if (!(ITEMS_PARAMETERS as readonly string[]).includes(name)) rest[name] = value;
  }
  const q = query as Record<string, string | undefined>;
  const limit = q.limit === undefined ? { success: true as const, data: DEFAULT_LIMIT } : Limit.safeParse(q.limit);
  if (!limit.success) throw new OgcQueryError(`parameter "limit" must be an integer from 1 to ${MAX_LIMIT}; got ${JSON.stringify(q.limit)}`);
  let bbox: ItemsQuery['bbox'] = null;
  if (q.bbox !== undefined) {
    const parsed = Bbox.safeParse(q.bbox);
    if (!parsed.success) throw new OgcQueryError(`parameter "bbox" must be minLon,minLat,maxLon,maxLat (CRS84): ${parsed.error.issues[0]!.message}; got ${JSON.stringify(q.bbox)}`);
    bbox = parsed.data;
  }
  if (q['bbox-crs'] !== undefined && q['bbox-crs'] !== CRS84) throw new OgcQueryError(`parameter "bbox-crs" supports only ${CRS84}`);
  if (q.f !== undefined && !['json', 'geojson'].includes(q.f)) throw new OgcQueryError(`parameter "f" supports json or geojson; got ${JSON.stringify(q.f)}`);
  let filters: TileFilters;
  try {
    filters = parseTileFilters(collection, rest);
  } catch (err) {
    if (!(err instanceof TileFilterError)) throw err;
    throw new OgcQueryError(`${err.message}; every collection also takes ${ITEMS_PARAMETERS.join(', ')}`);
  }
  return { limit: limit.data, bbox, after: q.cursor === undefined ? null : decodeCursor(collection, q.cursor), filters };
}

/** A cursor names the last key of a page; it is opaque to clients but plain to read back. */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify([key]), 'utf8').toString('base64url');
}

function decodeCursor(collection: OgcCollection, cursor: string): string {
  try {
    const [key] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof key === 'string' && (collection.key.type === 'string' || /^-?[0-9]{1,19}$/.test(key))) return key;
  } catch {
    // falls through to the error below
  }
  throw new OgcQueryError('parameter "cursor" is not one this server wrote: follow the "next" link of the previous page');
}

interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

const keyCast = (c: OgcCollection) => (c.key.type === 'integer' ? 'bigint' : 'text');

/** The feature as GeoJSON text, built by the database (7 decimals: about 1 cm). */
function featureJson(c: OgcCollection): string {
  const props = Object.entries(c.properties).map(([name, p]) => `'${name}', ${p.sql}`).join(', ');
  return `json_build_object('type', 'Feature', 'id', ${c.key.sql}, 'geometry', ST_AsGeoJSON(${c.geometry.sql}, 7)::json, 'properties', json_build_object(${props}))::text`;
}

/** WHERE clauses and values shared by the page and its count; bbox first ($first..$first+3), filters after. */
function conditions(c: OgcCollection, q: ItemsQuery, first: number): { clauses: string[]; values: unknown[] } {
  const b = first;
  const clauses = [
    ...(c.where ? [c.where] : []),
    `($${b}::float8 IS NULL OR ST_Intersects(${c.geometry.sql}, ST_MakeEnvelope($${b}::float8, $${b + 1}::float8, $${b + 2}::float8, $${b + 3}::float8, 4326)))`,
  ];
  const filters = filterSql(c, b + 4);
  return { clauses: [...clauses, ...filters.clauses], values: [...(q.bbox ?? [null, null, null, null]), ...filters.bind(q.filters)] };
}

/** One page in key order after the cursor: `limit + 1` rows, so the extra one tells that a next page exists. */
export function pageStatement(c: OgcCollection, q: ItemsQuery): Statement {
  const where = conditions(c, q, 3);
  return {
    text: `SELECT ${c.key.sql}::text AS k, ${featureJson(c)} AS f
FROM ${c.from}
WHERE ($2::${keyCast(c)} IS NULL OR ${c.key.sql} > $2::${keyCast(c)})
  AND ${where.clauses.join('\n  AND ')}
ORDER BY ${c.key.sql}
LIMIT $1::int`,
    values: [q.limit + 1, q.after, ...where.values],
  };
}

/** How many features match the query, whatever the page (OGC `numberMatched`). */
export function countStatement(c: OgcCollection, q: ItemsQuery): Statement {
  const where = conditions(c, q, 1);
  return { text: `SELECT count(*)::bigint AS n FROM ${c.from} WHERE ${where.clauses.join(' AND ')}`, values: where.values };
}

export function featureStatement(c: OgcCollection, id: string): Statement | null {
  if (c.key.type === 'integer' && !/^-?[0-9]{1,18}$/.test(id)) return null;
  return {
    text: `SELECT ${featureJson(c)} AS f FROM ${c.from} WHERE ${c.key.sql} = $1::${keyCast(c)}${c.where ? ` AND ${c.where}` : ''}`,
    values: [id],
  };
}

export interface ItemsPage {
  readonly numberMatched: number;
  /** The features as GeoJSON text, streamed from a database cursor; iterate once. */
  readonly features: AsyncIterable<string>;
  /** After `features` is exhausted: how many were given and the cursor of the next page (null at the end). */
  readonly done: () => { numberReturned: number; next: string | null };
  /** Gives the connection back if `features` was not read to its end (idempotent). */
  readonly close: () => Promise<void>;
}

/**
 * Reads one page of a collection through `pool` (the caller's scoped pool, so RLS filters).
 * The page streams from a cursor in batches of 1,000 rows: a 10,000-feature page is never held
 * whole, and a read of every source is a walk of pages whose cursor is the last key, so each
 * page is an index range scan however deep the walk goes.
 * The connection is held until `features` is exhausted or its iteration is broken off.
 */
export async function readItems(pool: pg.Pool, c: OgcCollection, q: ItemsQuery): Promise<ItemsPage> {
  const client = await pool.connect();
  let numberMatched: number;
  try {
    await client.query('BEGIN READ ONLY');
    const count = countStatement(c, q);
    numberMatched = Number((await client.query<{ n: string }>(count.text, count.values)).rows[0]!.n);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
    throw err;
  }
  let returned = 0;
  let lastKey: string | null = null;
  let more = false;
  let closed = false;
  const close = async (failed = false) => {
    if (closed) return;
    closed = true;
    // Also closes the cursor's portal when a page is broken off after its limit + 1st row.
    await client.query('ROLLBACK').catch(() => {});
    client.release(failed);
  };
  async function* features(): AsyncGenerator<string> {
    let failed = false;
    try {
      const page = pageStatement(c, q);
      // Awaited: a scoped pool's client (geodata/access/scoped-pool.ts) hands the stream back in a promise.
      const stream: QueryStream = await client.query(new QueryStream(page.text, page.values, { batchSize: BATCH_ROWS }));
      for await (const row of stream as AsyncIterable<{ k: string; f: string }>) {
        if (returned === q.limit) {
          more = true;
          break;
        }
        returned++;
        lastKey = row.k;
        yield row.f;
      }
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      await close(failed);
    }
  }
  return {
    numberMatched,
    features: features(),
    done: () => ({ numberReturned: returned, next: more && lastKey !== null ? encodeCursor(lastKey) : null }),
    close: () => close(),
  };
}

/** One feature by id, as GeoJSON text, or null when it is absent or outside the caller's region. */
export async function readItem(pool: pg.Pool, c: OgcCollection, id: string): Promise<string | null> {
  const s = featureStatement(c, id);
  if (!s) return null;
  const { rows } = await pool.query<{ f: string }>(s.text, s.values);
  return rows[0]?.f ?? null;
}
