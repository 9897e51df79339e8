import { z } from 'zod';
import { LIST_FILTERS, parseSourceFilters, SourceFilterError, type SourceFilters } from '../model/source-filters.ts';
import { filterWhere, Params } from './filter-sql.ts';

/**
 * The filters of the statistics, area queries, lists and exports: the tiles' filters (one
 * parser, geodata/model/source-filters.ts) restricted to those that select sources.
 */
export type SourceFilter = SourceFilters;

/** Where to look: the whole data, a view box, a drawn polygon, or a circle in metres. */
export type Area =
  | { readonly kind: 'all' }
  | { readonly kind: 'bbox'; readonly bbox: readonly [number, number, number, number] }
  | { readonly kind: 'polygon'; readonly geometry: PolygonGeometry }
  | { readonly kind: 'circle'; readonly center: readonly [number, number]; readonly radius: number };

export interface PolygonGeometry {
  readonly type: 'Polygon' | 'MultiPolygon';
  readonly coordinates: unknown;
}

export { POLLUTANTS, type Pollutant, type SourceType } from '../model/vocabulary.ts';

/**
 * Query-string or JSON form (`?type=industrial,domestic&industry=26&...`, or the same names in a
 * body's `filter`), as the tiles take it; empty values count as absent. A zod schema, so the
 * routes report its problems as they report any other input (`query.type: …`).
 */
export const FilterQuery = z.record(z.string(), z.unknown()).transform((query, ctx): SourceFilters => {
  const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== '' && v !== undefined));
  try {
    return parseSourceFilters(given, LIST_FILTERS, { what: 'the source lists', pollutantAlone: true });
  } catch (err) {
    if (!(err instanceof SourceFilterError)) throw err;
    ctx.addIssue({ code: 'custom', path: err.issue.filter ? [err.issue.filter] : [], message: err.issue.message });
    return z.NEVER;
  }
});

export function filterFromQuery(q: SourceFilters): SourceFilter {
  return q;
}

/**
 * The WHERE clause of the source lists and statistics (alias `s`): the list filters, the
 * status default (all but deleted) and the area, every value a named parameter.
 */
export function sourceWhere(params = new Params()): { sql: string; params: Params; bind(filter: SourceFilter, area: Area): Record<string, unknown> } {
  const filters = filterWhere([...LIST_FILTERS, 'status'], { table: 'source', alias: 's' }, params);
  const p = (name: string) => params.ref(name, 'float8');
  const area = [
    `(${p('west')} IS NULL OR s.geom && ST_MakeEnvelope(${p('west')}, ${p('south')}, ${p('east')}, ${p('north')}, 4326))`,
    `(${params.ref('polygon', 'text')} IS NULL OR ST_Intersects(s.geom, ST_SetSRID(ST_GeomFromGeoJSON(${params.ref('polygon', 'text')}), 4326)))`,
    `(${p('lng')} IS NULL OR (
        ST_DWithin(s.geom, ST_SetSRID(ST_MakePoint(${p('lng')}, ${p('lat')}), 4326), ${p('radius')} / 111320.0 / cos(radians(${p('lat')})))
        AND ST_DWithin(s.geom::geography, ST_SetSRID(ST_MakePoint(${p('lng')}, ${p('lat')}), 4326)::geography, ${p('radius')})))`,
  ];
  const sql = ['s.geom IS NOT NULL', ...filters.clauses, ...area].join('\n  AND ');
  return {
    sql,
    params,
    bind(filter, a) {
      const bbox = a.kind === 'bbox' ? a.bbox : null;
      const circle = a.kind === 'circle' ? a : null;
      return {
        ...filters.bind(filter),
        west: bbox?.[0] ?? null, south: bbox?.[1] ?? null, east: bbox?.[2] ?? null, north: bbox?.[3] ?? null,
        polygon: a.kind === 'polygon' ? JSON.stringify(a.geometry) : null,
        lng: circle?.center[0] ?? null, lat: circle?.center[1] ?? null, radius: circle?.radius ?? null,
      };
    },
  };
}

/** The view box and the drawn area are request schemas of the API contract. */
export { AreaBody, BboxQuery } from '../model/api/explore.ts';
