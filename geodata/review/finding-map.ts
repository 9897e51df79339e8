import geobuf from 'geobuf';
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { PbfReader, PbfWriter } from 'pbf';
import type { FeatureCollection, Geometry } from 'geojson';
import { getFinding, type FindingItem } from './findings-list.ts';

const OUTLINES_SQL = readFileSync(new URL('./finding-outlines.sql', import.meta.url), 'utf8');
const NEARBY_SQL = readFileSync(new URL('./nearby-sources.sql', import.meta.url), 'utf8');
/** How far around a finding its neighbours are shown, and how many at most. */
const NEARBY_M = 1000;
const NEARBY_MAX = 50;

export interface NearbySource {
  readonly id: number;
  readonly censusId: string;
  readonly name: string;
  readonly lon: number;
  readonly lat: number;
  readonly distanceM: number;
  /** Checks open on that source. */
  readonly checks: string[];
}

/** A finding with what the review map draws besides its outlines: the sources around it. */
export async function findingForMap(pool: pg.Pool, findingId: number): Promise<(FindingItem & { nearby: NearbySource[] }) | null> {
  const item = await getFinding(pool, findingId);
  if (!item) return null;
  const at = item.lon !== null && item.lat !== null && Math.abs(item.lat) <= 90 && Math.abs(item.lon) <= 180
    ? [item.lon, item.lat] : item.suggestedLon !== null ? [item.suggestedLon, item.suggestedLat!] : null;
  if (!at) return { ...item, nearby: [] };
  const { rows } = await pool.query<{ id: string; census_id: string; name: string; lon: number; lat: number; distance_m: number; checks: string[] }>(
    NEARBY_SQL, [at[0], at[1], NEARBY_M, item.sourceId, NEARBY_MAX]);
  return {
    ...item,
    nearby: rows.map((r) => ({ id: Number(r.id), censusId: r.census_id, name: r.name, lon: r.lon, lat: r.lat, distanceM: r.distance_m, checks: r.checks })),
  };
}

/**
 * The declared zone and division of a finding as one geobuf FeatureCollection (features with
 * `role` zone or division, `code` and `name`). A district outline of the real boundaries is
 * 10–60 KB of GeoJSON text; geobuf's delta-coded integers make it about a sixth of that.
 * Null when there is no such finding.
 */
export async function findingOutlines(pool: pg.Pool, findingId: number): Promise<Uint8Array | null> {
  const item = await getFinding(pool, findingId);
  if (!item) return null;
  const { rows } = await pool.query<{ role: string; code: string; name: string | null; geometry: string }>(OUTLINES_SQL, [item.zoneCode, item.divisionCode]);
  const collection: FeatureCollection = {
    type: 'FeatureCollection',
    features: rows.map((r) => ({ type: 'Feature', properties: { role: r.role, code: r.code, name: r.name }, geometry: JSON.parse(r.geometry) as Geometry })),
  };
  // geobuf 3 writes through pbf's writer methods, which pbf 5 keeps on PbfWriter.
  return geobuf.encode(collection, new PbfWriter() as never);
}

/** Reads what findingOutlines wrote (the web client does the same with its own copy of geobuf). */
export function decodeOutlines(bytes: Uint8Array): FeatureCollection {
  return geobuf.decode(new PbfReader(bytes) as never) as FeatureCollection;
}
