import { z } from 'zod';

/**
 * The shape of one entry of the API contract: a route as express names it (`GET
 * /api/review/items/:id`), the schemas of what it reads and what it answers. The server parses
 * its input with `query`/`body`/`params` and types its JSON answer with `response`
 * (server/send-json.ts); the web client parses the answer with the same `response`
 * (web/src/http.ts `json(path, { schema })`). `response: null` marks an answer that is not JSON
 * (a file, a tile, a protobuf, 204 No Content): its bytes are the contract.
 *
 * No Node and no server code here: the web app imports this module too.
 */
export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The express path, mount point included. */
  readonly path: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The JSON answer of a success, or null when the answer is not JSON. */
  readonly response: z.ZodType | null;
  /** What the answer is when it is not (only) ours to describe: a standard it follows (TileJSON, OGC API – Features), a file, no content. Required when `response` is null. */
  readonly answer?: string;
  /** For a GET: what the contract test asks (an example path with real ids filled in at test time). */
  readonly note?: string;
}

/** `route(...)` keeps each entry's literal types, so `API.x.response` is the schema itself. */
export function route<R extends ApiRoute>(r: R): R {
  return r;
}

// ---------- pieces several families share ----------

/** A path id: decimal digits only (Number() would also read '0x1' or '1e0' as 1). */
export const PathId = z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be a positive whole number').transform(Number);
/** [west, south, east, north] in degrees. */
export const Bbox = z.tuple([z.number(), z.number(), z.number(), z.number()]);
/** A month as YYYY-MM. */
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');
/** A sentence in both languages. */
export const ZhEn = z.object({ zh: z.string(), en: z.string() });
/** The answer of a route that only says it did it. */
export const Ok = z.object({ ok: z.literal(true) });
