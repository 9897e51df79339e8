import type { z } from 'zod';
import type { SectionStatus as SectionStatusSchema, StationStatus as StationStatusSchema } from '../../geodata/model/api/explore.ts';
import type { Layer, PickingInfo } from '@deck.gl/core';
import { MVTLayer } from '@deck.gl/geo-layers';
import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';
import { MVTLoader } from '@loaders.gl/mvt';
import { filterParams, type AppState, type Pollutant, type SourceType } from './state.ts';

/**
 * The data layers drawn by deck.gl: sources straight from the vector tiles as binary attributes
 * (aggregated cells below the detail zoom, single sources above it), sections coloured by their
 * latest class against the target, air stations by AQI band, and the search highlight.
 */
export type Rgba = [number, number, number, number];

export const TYPE_COLORS: Record<SourceType, Rgba> = {
  industrial: [214, 69, 65, 255],
  agricultural: [76, 153, 0, 255],
  domestic: [33, 113, 181, 255],
  centralized: [128, 60, 170, 255],
  mobile: [240, 140, 0, 255],
  other: [120, 120, 120, 255],
};
export const CELL_COLOR: Rgba = [199, 54, 89, 255];
export const SECTION_COLORS = { ok: [46, 160, 67, 255] as Rgba, bad: [215, 38, 39, 255] as Rgba, none: [150, 150, 150, 255] as Rgba };
/** China's AQI bands (HJ 633-2012): 优 良 轻度 中度 重度 严重. */
export const AQI_BANDS: { max: number; color: Rgba }[] = [
  { max: 50, color: [0, 228, 0, 255] },
  { max: 100, color: [255, 255, 0, 255] },
  { max: 150, color: [255, 126, 0, 255] },
  { max: 200, color: [255, 0, 0, 255] },
  { max: 300, color: [153, 0, 76, 255] },
  { max: Infinity, color: [126, 0, 35, 255] },
];
export const AQI_NONE: Rgba = [150, 150, 150, 255];

/** A section's and a station's latest reading, as /api/explore/monitoring answers (the API contract). */
export type SectionStatus = z.infer<typeof SectionStatusSchema>;
export type StationStatus = z.infer<typeof StationStatusSchema>;
export interface Highlight { lng: number; lat: number; bbox: [number, number, number, number] | null }

export interface DataLayerInput {
  state: AppState;
  origin: string;
  sections: SectionStatus[];
  stations: StationStatus[];
  highlight: Highlight | null;
  /** Typical emission of the size pollutant (a high percentile), so radii stay readable. */
  sizeScale: Partial<Record<Pollutant, number>>;
}

export function aqiColor(aqi: number | null): Rgba {
  if (aqi === null) return AQI_NONE;
  return AQI_BANDS.find((b) => aqi <= b.max)!.color;
}

export function sectionColor(s: { target_class: number; latest_class: number | null }): Rgba {
  if (s.latest_class === null) return SECTION_COLORS.none;
  return s.latest_class <= s.target_class ? SECTION_COLORS.ok : SECTION_COLORS.bad;
}

type FeatureLike = { properties: Record<string, unknown> };

export function buildDataLayers(input: DataLayerInput): Layer[] {
  const { state } = input;
  const layers: Layer[] = [];
  const L = state.layers;
  if (L.sources.on) {
    const query = filterParams(state.filters).toString();
    const size = state.sizeBy;
    const scale = (size && input.sizeScale[size]) || 1;
    layers.push(
      // MVTLayer's generic props do not carry the GeoJsonLayer sub-layer props through; they are
      // passed on at run time as documented.
      new MVTLayer({
        id: 'sources',
        data: `${input.origin}/tiles/sources/{z}/{x}/{y}.mvt${query ? `?${query}` : ''}`,
        binary: true,
        minZoom: 0,
        // Dense z14 tiles come as fine cells (byte budget); z16 tiles hold single sources, so
        // zooming in past 14 shows them instead of over-zoomed cells.
        maxZoom: 16,
        opacity: L.sources.opacity,
        pickable: true,
        uniqueIdProperty: undefined,
        // Parse on the main thread with the bundled parser: the default worker loader would fetch
        // its worker script from a CDN, and no URL may leave the machine.
        loaders: [MVTLoader],
        loadOptions: { core: { worker: false } },
        pointRadiusUnits: 'pixels',
        pointRadiusMinPixels: 1.5,
        pointRadiusMaxPixels: 30,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 0.5,
        getLineColor: [255, 255, 255, 200],
        getFillColor: (f: FeatureLike) => {
          const p = f.properties;
          if (p.count !== undefined) return CELL_COLOR;
          return TYPE_COLORS[p.type as SourceType] ?? TYPE_COLORS.other;
        },
        getPointRadius: (f: FeatureLike) => {
          const p = f.properties;
          if (p.count !== undefined) return 2 + Math.sqrt(Number(p.count)) * 1.2;
          if (!size) return 3;
          const v = Number(p[size] ?? 0);
          return 2 + 10 * Math.sqrt(Math.min(v / scale, 4));
        },
        updateTriggers: { getPointRadius: [size, scale] },
      } as any),
    );
  }
  if (L.sections.on) {
    layers.push(
      new ScatterplotLayer<SectionStatus>({
        id: 'sections',
        data: input.sections,
        opacity: L.sections.opacity,
        pickable: true,
        getPosition: (d) => [d.lng, d.lat],
        getFillColor: sectionColor,
        getLineColor: [255, 255, 255, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1.5,
        radiusUnits: 'pixels',
        getRadius: 7,
      }),
    );
  }
  if (L.air_stations.on) {
    layers.push(
      new ScatterplotLayer<StationStatus>({
        id: 'air_stations',
        data: input.stations,
        opacity: L.air_stations.opacity,
        pickable: true,
        getPosition: (d) => [d.lng, d.lat],
        getFillColor: (d) => aqiColor(d.aqi),
        getLineColor: [40, 40, 40, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1.5,
        radiusUnits: 'pixels',
        getRadius: 6,
      }),
    );
  }
  if (input.highlight) {
    const h = input.highlight;
    const data: GeoJSON.Feature[] = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [h.lng, h.lat] } }];
    if (h.bbox) {
      const [x0, y0, x1, y1] = h.bbox;
      data.push({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] } });
    }
    layers.push(
      new GeoJsonLayer({
        id: 'highlight',
        data: { type: 'FeatureCollection', features: data },
        filled: false,
        stroked: true,
        pointType: 'circle',
        getLineColor: [0, 229, 255, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 3,
        pointRadiusUnits: 'pixels',
        getPointRadius: 14,
      }),
    );
  }
  return layers;
}

/** What a click on a deck.gl layer refers to, in the explore API's terms. */
export function pickedFeature(info: PickingInfo): { layer: string; id: string } | { cell: number } | null {
  if (!info.layer || info.index < 0) return null;
  const id = info.layer.id;
  const obj = info.object as Record<string, any> | undefined;
  if (id.startsWith('sources')) {
    const props = obj?.properties ?? {};
    if (props.count !== undefined) return { cell: Number(props.count) };
    const fid = obj?.id ?? props.id;
    return fid !== undefined ? { layer: 'source_id', id: String(fid) } : null;
  }
  if (id === 'sections' && obj) return { layer: 'section', id: obj.code };
  if (id === 'air_stations' && obj) return { layer: 'air_station', id: obj.code };
  return null;
}
