// The naive page the benchmark compares with: MapLibre + deck.gl drawing every point of one
// GeoJSON file (downloaded and parsed whole), no tiles, no aggregation.
import { MapboxOverlay } from '@deck.gl/mapbox';
import { GeoJsonLayer } from '@deck.gl/layers';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

maplibregl.setWorkerUrl(workerUrl);
const map = new maplibregl.Map({
  container: 'map',
  style: { version: 8, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#f6f3ec' } }] },
  center: [113.4, 22.65],
  zoom: 9,
});
let loaded = false;
const overlay = new MapboxOverlay({
  layers: [new GeoJsonLayer({
    id: 'points', data: './points.geojson', pointType: 'circle', getFillColor: [199, 54, 89, 255], getPointRadius: 3,
    pointRadiusUnits: 'pixels', onDataLoad: () => { loaded = true; },
  })],
});
map.addControl(overlay);
(window as any).__naiveIdle = () => new Promise<void>((resolve) => {
  const check = () => (loaded && map.loaded() && !map.isMoving() ? requestAnimationFrame(() => resolve()) : setTimeout(check, 50));
  check();
});
