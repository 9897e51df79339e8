import type pg from 'pg';
import { FILTER_DOCS } from '../../tiles/tile-filters.ts';
import { OGC_COLLECTIONS, type OgcCollection } from './collections.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from './items.ts';

/**
 * The fixed documents of OGC API – Features Part 1 Core (landing page, conformance, the
 * OpenAPI 3.0 description, collections and a JSON schema per collection), built from the
 * collection list. `base` is the absolute URL of /ogc as the client reached it.
 */
export const MEDIA = {
  json: 'application/json',
  geojson: 'application/geo+json',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
  schema: 'application/schema+json',
} as const;

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
];

export function landingPage(base: string) {
  return {
    title: '一张图 Yizhangtu',
    description: 'Pollution-source census data as OGC API – Features, limited to the caller\'s region.',
    links: [
      { href: base, rel: 'self', type: MEDIA.json, title: 'this document' },
      { href: `${base}/api`, rel: 'service-desc', type: MEDIA.openapi, title: 'the API definition (OpenAPI 3.0)' },
      { href: `${base}/conformance`, rel: 'conformance', type: MEDIA.json, title: 'conformance classes' },
      { href: `${base}/collections`, rel: 'data', type: MEDIA.json, title: 'feature collections' },
    ],
  };
}

export function conformance() {
  return { conformsTo: CONFORMANCE };
}

export type Extents = ReadonlyMap<string, readonly [number, number, number, number] | null>;

/** The extent of each collection as the caller sees it (RLS applies through `pool`). */
export async function readExtents(pool: pg.Pool): Promise<Extents> {
  const parts = [...OGC_COLLECTIONS.values()].map(
    (c, i) => `SELECT ${i} AS i, ST_Extent(${c.geometry.sql})::box2d AS e FROM ${c.from}${c.where ? ` WHERE ${c.where}` : ''}`,
  );
  const { rows } = await pool.query<{ i: number; x0: number | null; y0: number; x1: number; y1: number }>(
    `SELECT i, ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1 FROM (${parts.join('\nUNION ALL\n')}) q`,
  );
  const ids = [...OGC_COLLECTIONS.keys()];
  return new Map(rows.map((r) => [ids[r.i]!, r.x0 === null ? null : ([r.x0, r.y0, r.x1, r.y1] as const)]));
}

export function collectionDocument(base: string, c: OgcCollection, extent: readonly [number, number, number, number] | null) {
  const self = `${base}/collections/${c.id}`;
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    itemType: 'feature',
    crs: [CRS84],
    storageCrs: CRS84,
    extent: { spatial: { bbox: [extent ?? [-180, -90, 180, 90]], crs: CRS84 } },
    links: [
      { href: self, rel: 'self', type: MEDIA.json, title: c.title },
      { href: `${self}/items`, rel: 'items', type: MEDIA.geojson, title: `${c.title} (GeoJSON)` },
      { href: `${self}/schema`, rel: 'describedby', type: MEDIA.schema, title: 'JSON schema of the features' },
    ],
  };
}

export function collectionsDocument(base: string, extents: Extents) {
  return {
    links: [{ href: `${base}/collections`, rel: 'self', type: MEDIA.json, title: 'feature collections' }],
    crs: [CRS84],
    collections: [...OGC_COLLECTIONS.values()].map((c) => collectionDocument(base, c, extents.get(c.id) ?? null)),
  };
}

const JSON_TYPES = { string: 'string', number: 'number', integer: 'integer' } as const;

/** A JSON schema of one collection's features, so clients get field names and types. */
export function collectionSchema(base: string, c: OgcCollection) {
  const properties = Object.fromEntries(
    Object.entries(c.properties).map(([name, p]) => [name, { type: [JSON_TYPES[p.type], 'null'], ...(p.title ? { title: p.title } : {}) }]),
  );
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $id: `${base}/collections/${c.id}/schema`,
    title: c.title,
    type: 'object',
    required: ['type', 'geometry', 'properties'],
    properties: {
      type: { type: 'string', enum: ['Feature'] },
      id: { type: c.key.type },
      geometry: { $ref: `https://geojson.org/schema/${c.geometry.type}.json` },
      properties: { type: 'object', properties },
    },
  };
}

/** The OpenAPI 3.0 description: one path per collection, with that collection's filters. */
export function openApi(base: string) {
  const geojson = { [MEDIA.geojson]: { schema: { type: 'object' } } };
  const json = { [MEDIA.json]: { schema: { type: 'object' } } };
  const problem = { description: 'bad request: the message names the parameter', content: json };
  const paths: Record<string, unknown> = {
    '/': { get: { summary: 'landing page', operationId: 'getLandingPage', responses: { 200: { description: 'links', content: json } } } },
    '/conformance': { get: { summary: 'conformance classes', operationId: 'getConformance', responses: { 200: { description: 'conformance', content: json } } } },
    '/api': { get: { summary: 'this document', operationId: 'getApi', responses: { 200: { description: 'OpenAPI 3.0', content: { [MEDIA.openapi]: { schema: { type: 'object' } } } } } } },
    '/collections': { get: { summary: 'feature collections', operationId: 'getCollections', responses: { 200: { description: 'collections', content: json } } } },
  };
  for (const c of OGC_COLLECTIONS.values()) {
    const filterParams = c.filters.map((name) => ({
      name, in: 'query', required: false, description: FILTER_DOCS[name].description,
      schema: { type: 'string' }, example: FILTER_DOCS[name].example, style: 'form', explode: false,
    }));
    paths[`/collections/${c.id}`] = { get: { summary: c.title, operationId: `describe_${c.id}`, responses: { 200: { description: 'the collection', content: json } } } };
    paths[`/collections/${c.id}/schema`] = { get: { summary: `${c.title}: JSON schema`, operationId: `schema_${c.id}`, responses: { 200: { description: 'JSON schema', content: { [MEDIA.schema]: { schema: { type: 'object' } } } } } } };
    paths[`/collections/${c.id}/items`] = {
      get: {
        summary: `${c.title}: features`,
        operationId: `items_${c.id}`,
        parameters: [
          { name: 'limit', in: 'query', required: false, style: 'form', explode: false, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
          { name: 'bbox', in: 'query', required: false, style: 'form', explode: false, schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } } },
          { name: 'cursor', in: 'query', required: false, description: 'from the "next" link of the previous page', schema: { type: 'string' } },
          ...filterParams,
        ],
        responses: { 200: { description: 'a page of features', content: geojson }, 400: problem },
      },
    };
    paths[`/collections/${c.id}/items/{featureId}`] = {
      get: {
        summary: `${c.title}: one feature`,
        operationId: `item_${c.id}`,
        parameters: [{ name: 'featureId', in: 'path', required: true, schema: { type: c.key.type } }],
        responses: { 200: { description: 'the feature', content: geojson }, 404: { description: 'no such feature in your region', content: json } },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: '一张图 Yizhangtu – OGC API Features', version: '1.0.0', description: 'Features are limited to the caller\'s region (row-level security). Sign in with `Authorization: Bearer <token>`.' },
    servers: [{ url: base }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }, {}],
    paths,
  };
}
