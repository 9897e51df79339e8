import { z } from 'zod';
import { POLLUTANTS, RECORD_KINDS, type RecordKind } from '../vocabulary.ts';
import { Bbox, route } from './contract.ts';
import { EXPORT_FORMATS, SHAPEFILE_ENCODINGS } from '../export-formats.ts';

/** /api/explore: search, statistics, drawn-area queries, feature details and exports (server/routes/explore.ts). */

/** `source_id` finds a source by its internal id, which is the feature id in the tiles. */
export type DetailLayer = RecordKind | 'source_id';
export const FEATURE_LAYERS: readonly [DetailLayer, ...DetailLayer[]] = [...RECORD_KINDS, 'source_id'];

// ---------- requests ----------

/** Query-string view box `bbox=minLng,minLat,maxLng,maxLat`. */
export const BboxQuery = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .pipe(
    z
      .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)], {
        message: 'bbox must be minLng,minLat,maxLng,maxLat',
      })
      .refine((b) => b[0] <= b[2] && b[1] <= b[3], 'bbox min must not exceed max'),
  );

const Position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
const Ring = z.array(Position).min(4, 'a polygon ring needs at least 4 positions');

/** JSON body form of an area, for drawn shapes. */
export const AreaBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('bbox'), bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]) }),
  z.object({
    kind: z.literal('polygon'),
    geometry: z.union([
      z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }),
      z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)).min(1) }),
    ]),
  }),
  z.object({
    kind: z.literal('circle'),
    center: z.tuple([z.number().min(-180).max(180), z.number().min(-89).max(89)]),
    radius: z.number().positive().max(500_000, 'radius is at most 500 km'),
  }),
]);
export type AreaInput = z.input<typeof AreaBody>;

export const StatsQuery = z.object({ bbox: BboxQuery.optional(), limit: z.coerce.number().int().min(1).max(50).default(10) });
export const SearchQuery = z.object({ q: z.string().trim().min(1, 'q must not be empty').max(100), limit: z.coerce.number().int().min(1).max(50).default(20) });
/** A body's `filter`: the list filters by name (geodata/model/source-filters.ts reads them). */
export const FilterBody = z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).default({});
export const AreaQueryBody = z.object({
  filter: FilterBody,
  area: AreaBody,
  limit: z.number().int().min(0).max(5_000).default(200),
  orderBy: z.enum(POLLUTANTS).optional(),
});
export const ExportBody = AreaQueryBody.omit({ limit: true }).extend({ format: z.enum(EXPORT_FORMATS), encoding: z.enum(SHAPEFILE_ENCODINGS).optional() });
export const FeatureParams = z.object({ layer: z.enum(FEATURE_LAYERS, { message: `layer must be one of ${FEATURE_LAYERS.join(', ')}` }), id: z.string().min(1) });

// ---------- answers ----------

export const Emissions = z.record(z.enum(POLLUTANTS), z.number());
export const GroupCount = z.object({ code: z.string(), name: z.string().nullable(), count: z.number(), emissions: Emissions });
/** What the statistics panel and the area query show for one selection. */
export const Statistics = z.object({
  count: z.number(),
  emissions: Emissions,
  byType: z.array(GroupCount),
  topIndustries: z.array(GroupCount),
  byDivision: z.array(GroupCount),
});
export const SearchHit = z.object({
  layer: z.enum(RECORD_KINDS),
  id: z.string(),
  name: z.string(),
  detail: z.string().nullable(),
  lng: z.number(),
  lat: z.number(),
  bbox: Bbox.nullable(),
});
export const SearchAnswer = z.object({ hits: z.array(SearchHit) });
export const FeatureDetail = z.object({
  layer: z.enum(FEATURE_LAYERS),
  id: z.string(),
  properties: z.record(z.string(), z.unknown()),
  lng: z.number(),
  lat: z.number(),
  bbox: Bbox,
});
export const SourceRecord = z.object({
  census_id: z.string(),
  name: z.string(),
  credit_code: z.string().nullable(),
  source_type: z.string(),
  industry_code: z.string().nullable(),
  zone_code: z.string().nullable(),
  division_code: z.string().nullable(),
  outfall_code: z.string().nullable(),
  status: z.string(),
  lng: z.number(),
  lat: z.number(),
  emissions: z.record(z.enum(POLLUTANTS), z.number().nullable()),
});
export const AreaAnswer = z.object({ statistics: Statistics, sources: z.array(SourceRecord), truncated: z.boolean() });
export const SectionStatus = z.object({
  code: z.string(), name: z.string(), level: z.string(), river_name: z.string().nullable(), target_class: z.number(),
  latest_class: z.number().nullable(), month: z.string().nullable(), lng: z.number(), lat: z.number(),
});
export const StationStatus = z.object({
  code: z.string(), name: z.string(), city: z.string().nullable(), aqi: z.number().nullable(), month: z.string().nullable(), lng: z.number(), lat: z.number(),
});
export const MonitoringAnswer = z.object({ sections: z.array(SectionStatus), stations: z.array(StationStatus) });
/** Choices for the filter panel: counties and basins that exist in the data. */
export const FilterOptions = z.object({
  divisions: z.array(z.object({ code: z.string(), name: z.string(), level: z.string() })),
  basins: z.array(z.object({ code: z.string(), name: z.string(), level: z.number() })),
  bounds: Bbox.nullable(),
});

export const EXPLORE_ROUTES = {
  search: route({ method: 'GET', path: '/api/explore/search', query: SearchQuery, response: SearchAnswer }),
  monitoring: route({ method: 'GET', path: '/api/explore/monitoring', response: MonitoringAnswer }),
  options: route({ method: 'GET', path: '/api/explore/options', response: FilterOptions }),
  stats: route({ method: 'GET', path: '/api/explore/stats', query: StatsQuery, response: Statistics }),
  query: route({ method: 'POST', path: '/api/explore/query', body: AreaQueryBody, response: AreaAnswer }),
  export: route({ method: 'POST', path: '/api/explore/export', body: ExportBody, response: null, answer: 'a file in the chosen format (geodata/export)' }),
  feature: route({ method: 'GET', path: '/api/explore/feature/:layer/:id', params: FeatureParams, response: FeatureDetail }),
};
