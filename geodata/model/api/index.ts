import type { z } from 'zod';
import { AUTH_ROUTES } from './auth.ts';
import { BASEMAP_ROUTES } from './basemap.ts';
import { CENSUS_QUALITY_ROUTES } from './census-quality.ts';
import type { ApiRoute } from './contract.ts';
import { EXPLORE_ROUTES } from './explore.ts';
import { HEALTH_ROUTES } from './health.ts';
import { IMPORT_ROUTES } from './import.ts';
import { NETWORK_ROUTES } from './network.ts';
import { REVIEW_ROUTES } from './review.ts';
import { METRICS_ROUTES, OGC_ROUTES, TILE_ROUTES } from './standards.ts';

/**
 * The API contract: every route the server answers, by family, with the schemas of what it
 * reads and what it answers. The server's routes parse their input and type their answers with
 * these (server/send-json.ts); the web client sends and parses through them (web/src/http.ts
 * `call`). test/server/api-contract.test.ts checks that this list and the server's routes are
 * the same, and every test server checks each JSON answer against it (YZT_CHECK_ANSWERS).
 */
export const API = {
  auth: AUTH_ROUTES,
  health: HEALTH_ROUTES,
  basemap: BASEMAP_ROUTES,
  explore: EXPLORE_ROUTES,
  review: REVIEW_ROUTES,
  quality: CENSUS_QUALITY_ROUTES,
  network: NETWORK_ROUTES,
  import: IMPORT_ROUTES,
  tiles: TILE_ROUTES,
  ogc: OGC_ROUTES,
  metrics: METRICS_ROUTES,
} as const;

/** What a route answers, as the client reads it. */
export type Answer<R extends ApiRoute> = R['response'] extends z.ZodType ? z.output<R['response']> : never;
/** What a route's handler may send (before the schema's defaults and transforms); the domain's readonly lists will do. */
export type AnswerInput<R extends ApiRoute> = R['response'] extends z.ZodType ? DeepReadonly<z.input<R['response']>> : never;
// Index signatures are dropped: a loose object's schema names the members it checks, and the
// domain's interfaces (which have none) still type-check against them.
type DeepReadonly<T> = T extends readonly unknown[]
  ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
  : T extends object ? { readonly [K in keyof T as string extends K ? never : K]: DeepReadonly<T[K]> } : T;
/** What a route's body schema accepts, as the client writes it (readonly lists will do). */
export type BodyInput<R extends ApiRoute> = R['body'] extends z.ZodType ? DeepReadonly<z.input<R['body']>> : never;

/** Every route of the contract, flat. */
export function apiRoutes(): ApiRoute[] {
  return Object.values(API).flatMap((family) => Object.values(family) as ApiRoute[]);
}

export type { ApiRoute } from './contract.ts';
