import { z } from 'zod';

/**
 * The source filters shared by the tile service, the statistics and the area queries. The names
 * and meanings are the tile contract's: `type` a list of source types, `industry` and `division`
 * code prefixes, `basin` a basin code (sources inside its polygon), `pollutant` + `min` an
 * emission threshold (>= min, in the census unit, tonnes per year).
 */
export interface SourceFilter {
  readonly types?: readonly SourceType[];
  readonly industry?: string;
  readonly division?: string;
  readonly basin?: string;
  readonly pollutant?: Pollutant;
  readonly min?: number;
}

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

export const SOURCE_TYPE_CODES = ['industrial', 'agricultural', 'domestic', 'centralized', 'mobile', 'other'] as const;
export type SourceType = (typeof SOURCE_TYPE_CODES)[number];
export const POLLUTANTS = ['cod', 'nh3n', 'tn', 'tp', 'so2', 'nox', 'pm', 'vocs'] as const;
export type Pollutant = (typeof POLLUTANTS)[number];

const csvList = (s: string) => s.split(',').map((v) => v.trim()).filter(Boolean);

/** Query-string form (`?type=industrial,domestic&industry=26&...`), as the tiles take it. */
export const FilterQuery = z
  .object({
    type: z
      .string()
      .optional()
      .transform((s) => (s ? csvList(s) : undefined))
      .pipe(z.array(z.enum(SOURCE_TYPE_CODES, { message: `type must be a comma list of ${SOURCE_TYPE_CODES.join(', ')}` })).optional()),
    industry: z.string().regex(/^[0-9]{1,4}$/, 'industry must be 1-4 digits of a GB/T 4754 code').optional(),
    division: z.string().regex(/^[0-9]{1,9}$/, 'division must be 1-9 digits of a division code').optional(),
    basin: z.string().min(1).max(64).optional(),
    pollutant: z.enum(POLLUTANTS, { message: `pollutant must be one of ${POLLUTANTS.join(', ')}` }).optional(),
    min: z.coerce.number().min(0, 'min must be >= 0').optional(),
  })
  .refine((f) => f.min === undefined || f.pollutant !== undefined, { message: 'min needs a pollutant', path: ['min'] });

export function filterFromQuery(q: z.infer<typeof FilterQuery>): SourceFilter {
  const f: { -readonly [K in keyof SourceFilter]: SourceFilter[K] } = {};
  if (q.type?.length) f.types = q.type;
  if (q.industry) f.industry = q.industry;
  if (q.division) f.division = q.division;
  if (q.basin) f.basin = q.basin;
  if (q.pollutant) f.pollutant = q.pollutant;
  if (q.min !== undefined) f.min = q.min;
  return f;
}

/**
 * The one WHERE clause for sources (alias `s`): static text, every filter a nullable parameter
 * from $1 to $14, so it is never assembled from input. Node's pg sends unnamed statements, which
 * PostgreSQL plans with the actual values, so the NULL branches fold away and indexes are used.
 */
export const SOURCE_WHERE = `
  s.status <> 'deleted' AND s.geom IS NOT NULL
  AND ($1::text[] IS NULL OR s.source_type = ANY($1::text[]))
  AND ($2::text IS NULL OR s.industry_code LIKE $2::text || '%')
  AND ($3::text IS NULL OR s.division_code LIKE $3::text || '%')
  AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM basin b WHERE b.code = $4::text AND ST_Intersects(b.geom, s.geom)))
  AND ($5::text IS NULL OR (CASE $5::text
        WHEN 'cod' THEN s.cod WHEN 'nh3n' THEN s.nh3n WHEN 'tn' THEN s.tn WHEN 'tp' THEN s.tp
        WHEN 'so2' THEN s.so2 WHEN 'nox' THEN s.nox WHEN 'pm' THEN s.pm WHEN 'vocs' THEN s.vocs END) >= COALESCE($6::float8, 0))
  AND ($7::float8 IS NULL OR s.geom && ST_MakeEnvelope($7::float8, $8::float8, $9::float8, $10::float8, 4326))
  AND ($11::text IS NULL OR ST_Intersects(s.geom, ST_SetSRID(ST_GeomFromGeoJSON($11::text), 4326)))
  AND ($12::float8 IS NULL OR (
        ST_DWithin(s.geom, ST_SetSRID(ST_MakePoint($12::float8, $13::float8), 4326), $14::float8 / 111320.0 / cos(radians($13::float8)))
        AND ST_DWithin(s.geom::geography, ST_SetSRID(ST_MakePoint($12::float8, $13::float8), 4326)::geography, $14::float8)))`;

/** The 14 parameters of SOURCE_WHERE, in order. */
export function whereParams(filter: SourceFilter, area: Area): unknown[] {
  const bbox = area.kind === 'bbox' ? area.bbox : null;
  const circle = area.kind === 'circle' ? area : null;
  return [
    filter.types?.length ? [...filter.types] : null,
    filter.industry ?? null,
    filter.division ?? null,
    filter.basin ?? null,
    filter.pollutant ?? null,
    filter.pollutant ? (filter.min ?? 0) : null,
    bbox?.[0] ?? null,
    bbox?.[1] ?? null,
    bbox?.[2] ?? null,
    bbox?.[3] ?? null,
    area.kind === 'polygon' ? JSON.stringify(area.geometry) : null,
    circle?.center[0] ?? null,
    circle?.center[1] ?? null,
    circle?.radius ?? null,
  ];
}

export const FIRST_FREE_PARAM = 15;

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
