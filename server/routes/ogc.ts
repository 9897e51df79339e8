import { once } from 'node:events';
import { Router, type Request, type Response } from 'express';
import {
  collectionDocument, collectionSchema, collectionsDocument, conformance, landingPage, MEDIA, OGC_COLLECTIONS, OgcQueryError, openApi,
  parseItemsQuery, readExtents, readItem, readItems, type OgcCollection,
} from '../../geodata/ogc/index.ts';
import type { AppContext } from '../app.ts';
import { dbFor } from '../auth.ts';
import { HttpError } from '../http-errors.ts';

/**
 * OGC API – Features Part 1 Core under /ogc; the documents and SQL are in geodata/ogc/. Every
 * read goes through the caller's scoped pool, so a district viewer's GDAL or QGIS sees only
 * its district. Answers are private: they depend on who asks.
 */
export function ogcRouter(ctx: AppContext): Router {
  const router = Router();
  const owner = ctx.db.pool;
  const send = (res: Response, type: string, body: unknown) => res.set('Cache-Control', 'private, no-cache').type(type).send(JSON.stringify(body));

  router.get('/', (req, res) => send(res, MEDIA.json, landingPage(base(req))));
  router.get('/conformance', (_req, res) => send(res, MEDIA.json, conformance()));
  router.get('/api', (req, res) => send(res, MEDIA.openapi, openApi(base(req))));
  router.get('/collections', async (req, res) => {
    send(res, MEDIA.json, collectionsDocument(base(req), await readExtents(dbFor(req, owner))));
  });
  router.get('/collections/:id', async (req, res) => {
    const c = collection(req);
    const extents = await readExtents(dbFor(req, owner));
    send(res, MEDIA.json, collectionDocument(base(req), c, extents.get(c.id) ?? null));
  });
  router.get('/collections/:id/schema', (req, res) => send(res, MEDIA.schema, collectionSchema(base(req), collection(req))));
  router.get('/collections/:id/items', async (req, res) => {
    const c = collection(req);
    const query = parseOr400(() => parseItemsQuery(c, req.query as Record<string, unknown>));
    const page = await readItems(dbFor(req, owner), c, query);
    try {
      res.status(200).set('Cache-Control', 'private, no-cache').type(MEDIA.geojson);
      res.write(`{"type":"FeatureCollection","numberMatched":${page.numberMatched},"features":[`);
      let first = true;
      for await (const feature of page.features) {
        // Back-pressure: a slow client pauses the database cursor rather than filling memory.
        if (!res.write(first ? feature : `,${feature}`)) await once(res, 'drain');
        first = false;
      }
      const { numberReturned, next } = page.done();
      const self = itemsUrl(req, c, {});
      const links = [
        { href: self, rel: 'self', type: MEDIA.geojson, title: 'this page' },
        { href: `${base(req)}/collections/${c.id}`, rel: 'collection', type: MEDIA.json, title: c.title },
        ...(next ? [{ href: itemsUrl(req, c, { cursor: next }), rel: 'next', type: MEDIA.geojson, title: 'next page' }] : []),
      ];
      res.end(`],"numberReturned":${numberReturned},"timeStamp":"${new Date().toISOString()}","links":${JSON.stringify(links)}}`);
    } finally {
      await page.close();
    }
  });
  router.get('/collections/:id/items/:featureId', async (req, res) => {
    const c = collection(req);
    const feature = await readItem(dbFor(req, owner), c, req.params.featureId);
    if (feature === null) throw new HttpError(404, `no feature ${req.params.featureId} in collection ${c.id} (or it lies outside your region)`);
    res.set('Cache-Control', 'private, no-cache').type(MEDIA.geojson).send(feature);
  });
  router.use((req, _res, next) => next(new HttpError(404, `no OGC API route ${req.method} /ogc${req.path}: start at /ogc (collections: ${[...OGC_COLLECTIONS.keys()].join(', ')})`)));
  return router;
}

function collection(req: Request): OgcCollection {
  const id = String(req.params.id);
  const c = OGC_COLLECTIONS.get(id);
  if (!c) throw new HttpError(404, `no collection "${id}": use one of ${[...OGC_COLLECTIONS.keys()].join(', ')}`);
  return c;
}

function parseOr400<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof OgcQueryError) throw new HttpError(400, err.message);
    throw err;
  }
}

function base(req: Request): string {
  return `${req.protocol}://${req.get('host')}/ogc`;
}

/** The request's own items URL with `set` replacing parameters (the cursor of the next page). */
function itemsUrl(req: Request, c: OgcCollection, set: Record<string, string>): string {
  const url = new URL(`${base(req)}/collections/${c.id}/items`);
  for (const [k, v] of Object.entries(req.query as Record<string, string>)) url.searchParams.set(k, v);
  for (const [k, v] of Object.entries(set)) url.searchParams.set(k, v);
  return url.toString();
}
