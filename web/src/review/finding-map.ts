/**
 * A small SVG map of one finding: declared zone and division outlined, the source's point
 * (draggable), the suggested point and the line between them. Plain SVG keeps the review page
 * independent of the basemap and of WebGL.
 */
import type { Geometry, Position } from 'geojson';

export interface FindingGeometry {
  readonly lon: number | null;
  readonly lat: number | null;
  readonly suggestedLon: number | null;
  readonly suggestedLat: number | null;
  readonly zoneGeometry: Geometry | null;
  readonly divisionGeometry: Geometry | null;
}

const SIZE = 400;
const NS = 'http://www.w3.org/2000/svg';

export function drawFindingMap(svg: SVGSVGElement, f: FindingGeometry, onDrag: (p: [number, number]) => void): void {
  svg.replaceChildren();
  const here: Position | null = f.lon !== null && f.lat !== null && Math.abs(f.lat) <= 90 ? [f.lon, f.lat] : null;
  const hint: Position | null = f.suggestedLon !== null && f.suggestedLat !== null ? [f.suggestedLon, f.suggestedLat] : null;
  // Frame: the zone (the finding's subject), the point and the suggestion; the division can be
  // far larger, so it frames the view only when nothing else does.
  const framed = [...rings(f.zoneGeometry).flat(), ...(here ? [here] : []), ...(hint ? [hint] : [])];
  const all = framed.length > 1 ? framed : [...framed, ...rings(f.divisionGeometry).flat()];
  if (all.length === 0) return;
  const xs = all.map((p) => p[0]!); const ys = all.map((p) => p[1]!);
  let [w, e, s, n] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const pad = Math.max(e - w, n - s, 0.002) * 0.15;
  w -= pad; e += pad; s -= pad; n += pad;
  const span = Math.max(e - w, n - s);
  const toXY = (p: Position): [number, number] => [((p[0]! - w) / span) * SIZE, SIZE - ((p[1]! - s) / span) * SIZE];
  const toLonLat = (x: number, y: number): [number, number] => [w + (x / SIZE) * span, s + ((SIZE - y) / SIZE) * span];

  const path = (g: Geometry | null, cls: string, stroke: string, dash: string) => {
    const d = rings(g).map((r) => r.map((p, i) => `${i ? 'L' : 'M'}${toXY(p).join(',')}`).join('') + 'Z').join('');
    if (!d) return;
    svg.append(el('path', { d, class: cls, fill: 'none', stroke, 'stroke-width': '2', 'stroke-dasharray': dash }));
  };
  path(f.divisionGeometry, 'division', '#7b61ff', '6 4');
  path(f.zoneGeometry, 'zone', '#1f77b4', '');
  if (here && hint) {
    const [x1, y1] = toXY(here); const [x2, y2] = toXY(hint);
    svg.append(el('line', { class: 'shift', x1: String(x1), y1: String(y1), x2: String(x2), y2: String(y2), stroke: '#999', 'stroke-dasharray': '3 3' }));
  }
  if (hint) {
    const [x, y] = toXY(hint);
    svg.append(el('circle', { class: 'suggested', cx: String(x), cy: String(y), r: '6', fill: '#2ca02c', 'data-lon': String(hint[0]), 'data-lat': String(hint[1]) }));
  }
  if (here) {
    const [x, y] = toXY(here);
    const point = el('circle', { class: 'point', cx: String(x), cy: String(y), r: '7', fill: '#d62728', 'data-lon': String(here[0]), 'data-lat': String(here[1]) });
    svg.append(point);
    let dragging = false;
    point.addEventListener('pointerdown', (ev) => { dragging = true; point.setPointerCapture(ev.pointerId); });
    point.addEventListener('pointermove', (ev) => {
      if (!dragging) return;
      const box = svg.getBoundingClientRect();
      const px = ((ev.clientX - box.left) / box.width) * SIZE;
      const py = ((ev.clientY - box.top) / box.height) * SIZE;
      point.setAttribute('cx', String(px));
      point.setAttribute('cy', String(py));
      const [lon, lat] = toLonLat(px, py);
      point.dataset.lon = String(lon);
      point.dataset.lat = String(lat);
      onDrag([Number(lon.toFixed(6)), Number(lat.toFixed(6))]);
    });
    point.addEventListener('pointerup', () => { dragging = false; });
  }
}

function rings(g: Geometry | null): Position[][] {
  if (!g) return [];
  if (g.type === 'Polygon') return g.coordinates;
  if (g.type === 'MultiPolygon') return g.coordinates.flat();
  return [];
}

function el(name: string, attrs: Record<string, string>): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}
