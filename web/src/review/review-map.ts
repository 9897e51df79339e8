import * as maplibregl from 'maplibre-gl';
import type { FeatureCollection, Feature, Point, Position } from 'geojson';
import type { BasemapAnswer } from '../../../geodata/model/basemap.ts';
import { baseStyle, LABEL_FONT, type TileCatalog } from '../basemap-style.ts';
import { mapCredit, tiandituOf } from '../basemap-tianditu.ts';
import { coveringTileUrls } from '../covering-tiles.ts';
import { http } from '../http.ts';
import { fmt, t } from '../i18n.ts';
import { formatLonLat } from './coordinates.ts';

/** What the map of one finding shows besides its outlines. */
export interface FindingOnMap {
  readonly lon: number | null;
  readonly lat: number | null;
  readonly candidates: readonly { code: string; label: string; lon: number; lat: number; distanceM: number | null; chosen: boolean }[];
  readonly nearby: readonly { id: number; name: string; lon: number; lat: number; checks: readonly string[] }[];
}

export const REVIEW_COLORS = {
  zone: '#1f77b4',
  division: '#7b61ff',
  entered: '#d62728',
  candidate: '#2ca02c',
  nearby: '#7f8c8d',
  nearbyFlagged: '#ff9f1c',
} as const;

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/**
 * The review screen's MapLibre map: the product's own base map, the declared zone and division
 * outlined, the entered point (a draggable marker for "move"), every candidate correction with
 * its distance, and the sources around it coloured by whether checks fired on them. True
 * geographic shapes (Web Mercator), where the old SVG sketch stretched them by 1/cos(latitude).
 */
export class ReviewMap {
  readonly map: maplibregl.Map;
  private readonly marker: maplibregl.Marker;
  private labels: maplibregl.Marker[] = [];
  private ready: Promise<void>;

  constructor(container: HTMLElement, catalog: TileCatalog | null, basemap: BasemapAnswer, private readonly handlers: {
    onDrag(lonLat: [number, number]): void;
    onPointer(lonLat: [number, number] | null): void;
  }) {
    // The base layers as one composite source: the map jumps from finding to finding, and every
    // jump asked for about 40 new tiles (10 sources × 4), each parsed and uploaded on its own.
    this.map = new maplibregl.Map({
      container,
      style: baseStyle(window.location.origin, null, catalog, tiandituOf(basemap), { composite: true }),
      center: [113.4, 22.65],
      zoom: 9,
      localIdeographFontFamily: `"${LABEL_FONT}", "Noto Sans SC", "Microsoft YaHei", sans-serif`,
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    } as maplibregl.MapOptions);
    this.map.addControl(new maplibregl.NavigationControl(), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.addControl(new maplibregl.AttributionControl({ compact: false, customAttribution: mapCredit(basemap, t('title')) }), 'bottom-right');
    const el = document.createElement('div');
    el.className = 'rv-marker';
    el.dataset.testid = 'entered-marker';
    this.marker = new maplibregl.Marker({ element: el, draggable: true });
    this.marker.on('drag', () => {
      const p = this.marker.getLngLat();
      this.handlers.onDrag([Number(p.lng.toFixed(6)), Number(p.lat.toFixed(6))]);
    });
    this.map.on('mousemove', (e) => this.handlers.onPointer([e.lngLat.lng, e.lngLat.lat]));
    this.map.on('mouseout', () => this.handlers.onPointer(null));
    this.ready = new Promise((resolve) => this.map.on('load', () => {
      this.addLayers();
      resolve();
    }));
  }

  private addLayers(): void {
    const m = this.map;
    // One GeoJSON source for the outlines, the points and the nearby sources (told apart by
    // `role` and `kind`): each source's setData is a worker job and a tile per view of its own,
    // and on the review map they are redrawn together for every item.
    m.addSource('rv', { type: 'geojson', data: EMPTY });
    m.addLayer({ id: 'rv-zone-fill', type: 'fill', source: 'rv', filter: ['==', ['get', 'role'], 'zone'], paint: { 'fill-color': REVIEW_COLORS.zone, 'fill-opacity': 0.08 } });
    m.addLayer({ id: 'rv-division-line', type: 'line', source: 'rv', filter: ['==', ['get', 'role'], 'division'], paint: { 'line-color': REVIEW_COLORS.division, 'line-width': 2.5, 'line-dasharray': [3, 2] } });
    m.addLayer({ id: 'rv-zone-line', type: 'line', source: 'rv', filter: ['==', ['get', 'role'], 'zone'], paint: { 'line-color': REVIEW_COLORS.zone, 'line-width': 3 } });
    m.addLayer({ id: 'rv-nearby', type: 'circle', source: 'rv', filter: ['==', ['get', 'kind'], 'nearby'], paint: {
      'circle-radius': 4, 'circle-color': ['case', ['get', 'flagged'], REVIEW_COLORS.nearbyFlagged, REVIEW_COLORS.nearby], 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } });
    m.addLayer({ id: 'rv-shift', type: 'line', source: 'rv', filter: ['==', ['get', 'kind'], 'shift'], paint: { 'line-color': '#555', 'line-width': 1.5, 'line-dasharray': [2, 2] } });
    m.addLayer({ id: 'rv-candidates', type: 'circle', source: 'rv', filter: ['==', ['get', 'kind'], 'candidate'], paint: {
      'circle-radius': ['case', ['get', 'chosen'], 9, 7], 'circle-color': REVIEW_COLORS.candidate, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
    m.addLayer({ id: 'rv-entered', type: 'circle', source: 'rv', filter: ['==', ['get', 'kind'], 'entered'], paint: {
      'circle-radius': 8, 'circle-color': REVIEW_COLORS.entered, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
  }

  /** Draws one finding and flies to it; resolves once the map has drawn it all. */
  async show(f: FindingOnMap, outlines: FeatureCollection): Promise<void> {
    await this.ready;
    const here = pointOf(f);
    const points: Feature[] = [];
    if (here) points.push(point(here, { kind: 'entered' }));
    for (const c of f.candidates) {
      points.push(point([c.lon, c.lat], { kind: 'candidate', code: c.code, chosen: c.chosen }));
      if (here) points.push({ type: 'Feature', properties: { kind: 'shift' }, geometry: { type: 'LineString', coordinates: [here, [c.lon, c.lat]] } });
    }
    const nearby = f.nearby.map((n) => point([n.lon, n.lat], { kind: 'nearby', id: n.id, name: n.name, flagged: n.checks.length > 0 }));
    (this.map.getSource('rv') as maplibregl.GeoJSONSource).setData({ type: 'FeatureCollection', features: [...outlines.features, ...nearby, ...points] });
    for (const l of this.labels) l.remove();
    this.labels = f.candidates.map((c) => {
      const label = document.createElement('div');
      label.className = 'rv-candidate-label';
      label.dataset.code = c.code;
      label.textContent = `${c.label}${c.distanceM === null ? '' : ` · ${fmt(c.distanceM, 0)} m`}`;
      return new maplibregl.Marker({ element: label, anchor: 'left', offset: [10, 0] }).setLngLat([c.lon, c.lat]).addTo(this.map);
    });
    if (here) this.marker.setLngLat(here as [number, number]).addTo(this.map);
    else this.marker.remove();
    const bounds = frameOf(f, outlines, here);
    // A jump, not a flight: a reviewer stepping through items by keyboard waits for no animation
    // (bench:workbench: selecting an item to its map drawn, target p95 ≤ 300 ms).
    if (bounds) this.map.fitBounds(bounds, FRAME);
    await this.idle();
  }

  /**
   * Asks for the tiles the map will want when `f` is shown, while the reviewer is still on the
   * item before it: each arrives in the browser's HTTP cache (the reference layers' tiles may be
   * kept 60 s) and in the server's, so showing `f` draws from them instead of waiting for about
   * 40 tiles drawn one after another on the embedded engine. The tiles are those MapLibre picks
   * (coveringTiles): the camera fitBounds will choose, at floor(zoom) clamped to each source's
   * zoom range, inside its data bounds. One at a time, so the open item's own requests and the
   * reviewer's saves never queue behind a burst of them.
   */
  async prefetch(f: FindingOnMap, outlines: FeatureCollection, signal: AbortSignal): Promise<void> {
    await this.ready;
    const bounds = frameOf(f, outlines, pointOf(f));
    const camera = bounds ? this.map.cameraForBounds(bounds, FRAME) : undefined;
    if (!camera?.center || camera.zoom === undefined) return;
    const { clientWidth: width, clientHeight: height } = this.map.getContainer();
    for (const url of coveringTileUrls(this.map.getStyle().sources, maplibregl.LngLat.convert(camera.center), camera.zoom, width, height)) {
      if (signal.aborted) return;
      // The same URL MapLibre will ask for (its cache key), through the app's one HTTP client.
      const u = new URL(url);
      await http.bytes(`${u.pathname}${u.search}`, { signal }).catch(() => undefined);
    }
  }

  /** Moves the marker back to where the point is stored (a drag undone). */
  resetMarker(lon: number, lat: number): void {
    this.marker.setLngLat([lon, lat]);
  }

  flyTo(lon: number, lat: number): void {
    this.map.flyTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), 15), duration: 300 });
  }

  /**
   * Resolves once nothing moves and every tile and source is drawn: checked at once and after
   * each frame MapLibre renders (polling every 50 ms added up to 50 ms to every item opened; the
   * `idle` event waits for the labels' fade-in as well, 300 ms more).
   */
  idle(): Promise<void> {
    const settled = () => !this.map.isMoving() && this.map.loaded() && this.map.areTilesLoaded();
    return new Promise((resolve) => {
      if (settled()) return resolve();
      const check = () => {
        if (!settled()) return;
        this.map.off('render', check);
        this.map.off('data', check);
        resolve();
      };
      this.map.on('render', check);
      this.map.on('data', check);
    });
  }

  remove(): void {
    for (const l of this.labels) l.remove();
    this.marker.remove();
    this.map.remove();
  }

  /** The readout text for a pointer position. */
  static readout(lonLat: [number, number] | null): string {
    return lonLat ? formatLonLat(lonLat[0], lonLat[1]) : '—, —';
  }
}

/** How an item is framed: padded, never closer than z17, without animation. */
const FRAME = { padding: 60, maxZoom: 17, duration: 0 } as const;

function pointOf(f: FindingOnMap): Position | null {
  return f.lon !== null && f.lat !== null && Math.abs(f.lat) <= 90 && Math.abs(f.lon) <= 180 ? [f.lon, f.lat] : null;
}

/** The zone, the point and the candidates; the division (far larger) only when nothing else frames. */
function frameOf(f: FindingOnMap, outlines: FeatureCollection, here: Position | null): [[number, number], [number, number]] | null {
  const zone = outlines.features.filter((x) => x.properties?.role === 'zone');
  const framed = [...zone.flatMap((x) => coords(x.geometry)), ...(here ? [here] : []), ...f.candidates.map((c) => [c.lon, c.lat])];
  const all = framed.length > 1 ? framed : [...framed, ...outlines.features.flatMap((x) => coords(x.geometry))];
  if (!all.length) return null;
  const xs = all.map((p) => p[0]!);
  const ys = all.map((p) => p[1]!);
  return [[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]];
}

function point(p: Position, properties: Record<string, unknown>): Feature<Point> {
  return { type: 'Feature', properties, geometry: { type: 'Point', coordinates: p } };
}

function coords(g: GeoJSON.Geometry | null): Position[] {
  if (!g) return [];
  if (g.type === 'Polygon') return g.coordinates.flat();
  if (g.type === 'MultiPolygon') return g.coordinates.flat(2);
  return [];
}
