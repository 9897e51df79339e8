import turfArea from '@turf/area';
import turfCircle from '@turf/circle';
import turfDistance from '@turf/distance';
import turfLength from '@turf/length';
import type { GeoJSONSource, Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import type { Area } from './api.ts';

/**
 * Drawing on the map without a plugin: polygon (click vertices, double-click to finish), circle
 * (click centre, click edge) and distance measuring. Shapes live in one GeoJSON source.
 */
export type DrawMode = 'polygon' | 'circle' | 'measure' | null;

export interface DrawEvents {
  onArea(area: Area): void;
  onMeasure(metres: number): void;
  onModeChange(mode: DrawMode): void;
}

const SOURCE = 'draw';

export class DrawTools {
  private mode: DrawMode = null;
  private points: [number, number][] = [];
  private cursor: [number, number] | null = null;
  private shape: GeoJSON.Feature | null = null;

  constructor(private readonly map: MapLibreMap, private readonly events: DrawEvents) {
    map.addSource(SOURCE, { type: 'geojson', data: empty() });
    map.addLayer({ id: 'draw-fill', type: 'fill', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#ff9800', 'fill-opacity': 0.15 } });
    map.addLayer({ id: 'draw-line', type: 'line', source: SOURCE, paint: { 'line-color': '#ff6f00', 'line-width': 2, 'line-dasharray': [2, 1] } });
    map.addLayer({ id: 'draw-vertex', type: 'circle', source: SOURCE, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#ff6f00' } });
    map.on('click', (e) => this.click(e));
    map.on('dblclick', (e) => this.finish(e));
    map.on('mousemove', (e) => {
      if (!this.mode || this.points.length === 0) return;
      this.cursor = [e.lngLat.lng, e.lngLat.lat];
      this.redraw();
    });
  }

  get active(): DrawMode {
    return this.mode;
  }

  setMode(mode: DrawMode): void {
    this.mode = mode;
    this.points = [];
    this.cursor = null;
    if (mode) this.shape = null;
    this.map.doubleClickZoom[mode ? 'disable' : 'enable']();
    this.map.getCanvas().style.cursor = mode ? 'crosshair' : '';
    this.redraw();
    this.events.onModeChange(mode);
  }

  clear(): void {
    this.shape = null;
    this.setMode(null);
  }

  /** Shows an area restored or given from outside (e.g. by a test). */
  show(area: Area): void {
    this.shape = areaFeature(area);
    this.redraw();
  }

  private click(e: MapMouseEvent): void {
    if (!this.mode) return;
    const p: [number, number] = [e.lngLat.lng, e.lngLat.lat];
    if (this.mode === 'circle') {
      if (this.points.length === 0) {
        this.points.push(p);
      } else {
        const center = this.points[0]!;
        const radius = distance(center, p);
        const area: Area = { kind: 'circle', center, radius };
        this.shape = areaFeature(area);
        this.setMode(null);
        this.events.onArea(area);
      }
      return;
    }
    // A double-click arrives as two clicks first; skip the repeated vertex.
    const last = this.points[this.points.length - 1];
    if (last && Math.abs(last[0] - p[0]) < 1e-9 && Math.abs(last[1] - p[1]) < 1e-9) return;
    this.points.push(p);
    if (this.mode === 'measure') this.events.onMeasure(pathLength(this.points));
    this.redraw();
  }

  private finish(e: MapMouseEvent): void {
    if (!this.mode) return;
    e.preventDefault();
    if (this.mode === 'polygon' && this.points.length >= 3) {
      const ring = [...this.points, this.points[0]!];
      const area: Area = { kind: 'polygon', geometry: { type: 'Polygon', coordinates: [ring] } };
      this.shape = areaFeature(area);
      this.setMode(null);
      this.events.onArea(area);
    } else if (this.mode === 'measure' && this.points.length >= 2) {
      this.shape = { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: this.points } };
      const metres = pathLength(this.points);
      this.setMode(null);
      this.events.onMeasure(metres);
    }
  }

  private redraw(): void {
    const features: GeoJSON.Feature[] = [];
    if (this.shape) features.push(this.shape);
    const pts = this.cursor ? [...this.points, this.cursor] : this.points;
    for (const p of this.points) features.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: p } });
    if (this.mode === 'circle' && this.points.length === 1 && this.cursor) {
      features.push(areaFeature({ kind: 'circle', center: this.points[0]!, radius: distance(this.points[0]!, this.cursor) }));
    } else if (pts.length >= 2) {
      features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: this.mode === 'polygon' ? [...pts, pts[0]!] : pts } });
    }
    (this.map.getSource(SOURCE) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features });
  }
}

/** Great-circle distance in metres (turf: haversine on the mean earth radius). */
export function distance(a: [number, number], b: [number, number]): number {
  return turfDistance(a, b, { units: 'meters' });
}

export function pathLength(points: [number, number][]): number {
  if (points.length < 2) return 0;
  return turfLength({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: points } }, { units: 'meters' });
}

/** The drawn area's size in square metres, as drawn (a circle as its 64-sided polygon), on the sphere (turf). */
export function areaSquareMetres(area: Area): number {
  return turfArea(areaFeature(area));
}

function areaFeature(area: Area): GeoJSON.Feature {
  if (area.kind === 'polygon') return { type: 'Feature', properties: {}, geometry: area.geometry };
  if (area.kind === 'circle') {
    return turfCircle(area.center, area.radius, { steps: 64, units: 'meters' });
  }
  if (area.kind === 'bbox') {
    const [x0, y0, x1, y1] = area.bbox;
    return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] } };
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'GeometryCollection', geometries: [] } };
}

function empty(): GeoJSON.FeatureCollection {
  return { type: 'FeatureCollection', features: [] };
}
