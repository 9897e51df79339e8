export { OGC_COLLECTIONS, type OgcCollection } from './collections.ts';
export { collectionDocument, collectionSchema, collectionsDocument, conformance, landingPage, MEDIA, openApi, readExtents } from './documents.ts';
export { MAX_LIMIT, OgcQueryError, parseItemsQuery, readItem, readItems, type ItemsPage } from './items.ts';
