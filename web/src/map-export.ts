import type { Map as MapLibreMap } from 'maplibre-gl';

/** What goes on an exported picture besides the map itself. */
export interface ExportSheet {
  readonly title: string;
  /** Legend rows: a colour and its label. */
  readonly legend: readonly { color: string; label: string; kind?: 'point' | 'line' | 'area' }[];
  /** Data and base-map credits; the 审图号 of a base map that needs one goes here too. */
  readonly attribution: string;
  readonly northLabel: string;
  /**
   * Canvases drawn over the map's, in order: deck.gl's (a MapboxOverlay that is not interleaved
   * draws on a canvas of its own, and deck keeps its drawing buffer, so it can be read back).
   */
  readonly overlays?: readonly (HTMLCanvasElement | null | undefined)[];
}

/**
 * Renders a MapLibre map as a PNG of the given size, with a title, legend, scale bar, north
 * arrow and attribution drawn over it: the wall and the report both want the picture. The map
 * is resized to the asked size for the picture (so it is drawn, not scaled, at that size) and
 * put back afterwards. The map needs `preserveDrawingBuffer` (every map of the app has it).
 */
export async function exportMapPng(map: MapLibreMap, width: number, height: number, sheet: ExportSheet): Promise<Blob> {
  const container = map.getContainer();
  const saved = { width: container.style.width, height: container.style.height, position: container.style.position, inset: container.style.inset };
  const ratio = window.devicePixelRatio || 1;
  Object.assign(container.style, { width: `${width / ratio}px`, height: `${height / ratio}px`, position: 'absolute', inset: 'auto' });
  map.resize();
  try {
    await new Promise<void>((resolve) => {
      const check = () => (map.loaded() && map.areTilesLoaded() && !map.isMoving() ? resolve() : setTimeout(check, 50));
      map.triggerRepaint();
      map.once('render', check);
    });
    // deck.gl follows the new size on its next animation frames.
    if (sheet.overlays?.length) for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(map.getCanvas(), 0, 0, width, height);
    for (const c of sheet.overlays ?? []) if (c && c.width > 0 && c.height > 0) ctx.drawImage(c, 0, 0, width, height);
    drawSheet(ctx, map, width, height, sheet);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    Object.assign(container.style, saved);
    map.resize();
  }
}

function drawSheet(ctx: CanvasRenderingContext2D, map: MapLibreMap, w: number, h: number, sheet: ExportSheet): void {
  const u = Math.max(1, Math.round(Math.min(w, h) / 600));
  const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px * u}px "Noto Sans CJK SC", "Microsoft YaHei", sans-serif`;
  const box = (x: number, y: number, bw: number, bh: number) => { ctx.fillStyle = 'rgba(255,255,255,0.88)'; ctx.fillRect(x, y, bw, bh); };
  // Title, top left.
  ctx.font = font(18, true);
  const tw = ctx.measureText(sheet.title).width;
  box(8 * u, 8 * u, tw + 16 * u, 30 * u);
  ctx.fillStyle = '#102a43';
  ctx.textBaseline = 'middle';
  ctx.fillText(sheet.title, 16 * u, 23 * u);
  // North arrow, top right.
  const nx = w - 30 * u;
  const ny = 20 * u;
  box(nx - 16 * u, ny - 12 * u, 32 * u, 52 * u);
  ctx.fillStyle = '#102a43';
  ctx.beginPath();
  ctx.moveTo(nx, ny - 6 * u);
  ctx.lineTo(nx + 9 * u, ny + 22 * u);
  ctx.lineTo(nx, ny + 16 * u);
  ctx.lineTo(nx - 9 * u, ny + 22 * u);
  ctx.closePath();
  ctx.fill();
  ctx.font = font(12, true);
  ctx.textAlign = 'center';
  ctx.fillText(sheet.northLabel, nx, ny + 33 * u);
  ctx.textAlign = 'left';
  // Legend, bottom left.
  ctx.font = font(12);
  const rows = sheet.legend;
  const lw = Math.max(80 * u, ...rows.map((r) => ctx.measureText(r.label).width + 34 * u));
  const lh = rows.length * 18 * u + 10 * u;
  const ly = h - lh - 40 * u;
  if (rows.length) {
    box(8 * u, ly, lw, lh);
    rows.forEach((r, i) => {
      const y = ly + 14 * u + i * 18 * u;
      ctx.fillStyle = r.color;
      ctx.strokeStyle = r.color;
      if (r.kind === 'line') { ctx.lineWidth = 3 * u; ctx.beginPath(); ctx.moveTo(16 * u, y); ctx.lineTo(30 * u, y); ctx.stroke(); }
      else if (r.kind === 'area') ctx.fillRect(16 * u, y - 6 * u, 14 * u, 12 * u);
      else { ctx.beginPath(); ctx.arc(23 * u, y, 6 * u, 0, 2 * Math.PI); ctx.fill(); }
      ctx.fillStyle = '#102a43';
      ctx.fillText(r.label, 36 * u, y);
    });
  }
  // Scale bar, bottom left under the legend: a round length near a fifth of the width.
  const mid = map.getCenter();
  const metresPerPixel = (40075016.686 * Math.cos((mid.lat * Math.PI) / 180)) / (512 * 2 ** map.getZoom());
  const canvasPerCss = w / map.getContainer().clientWidth;
  const target = (w / 5 / canvasPerCss) * metresPerPixel;
  const step = 10 ** Math.floor(Math.log10(target));
  const metres = [5, 2, 1].map((k) => k * step).find((m) => m <= target) ?? step;
  const px = (metres / metresPerPixel) * canvasPerCss;
  const sy = h - 22 * u;
  box(8 * u, sy - 14 * u, px + 80 * u, 24 * u);
  ctx.fillStyle = '#102a43';
  ctx.fillRect(16 * u, sy, px, 4 * u);
  ctx.fillRect(16 * u, sy - 6 * u, 2 * u, 10 * u);
  ctx.fillRect(16 * u + px - 2 * u, sy - 6 * u, 2 * u, 10 * u);
  ctx.font = font(11);
  ctx.fillText(metres >= 1000 ? `${metres / 1000} km` : `${metres} m`, 22 * u + px, sy);
  // Attribution, bottom right.
  ctx.font = font(10);
  const aw = ctx.measureText(sheet.attribution).width;
  box(w - aw - 16 * u, h - 20 * u, aw + 12 * u, 18 * u);
  ctx.fillStyle = '#334e68';
  ctx.fillText(sheet.attribution, w - aw - 10 * u, h - 11 * u);
}

/**
 * The legend rows of a legend panel as it is shown (`.legend-item`: a swatch, then its label),
 * for a screen whose legend is built as HTML.
 */
export function legendFromPanel(root: HTMLElement, items = '.legend-item'): ExportSheet['legend'] {
  return [...root.querySelectorAll<HTMLElement>(items)].flatMap((item) => {
    const swatch = item.firstElementChild as HTMLElement | null;
    const label = item.textContent?.trim() ?? '';
    if (!swatch || !label) return [];
    return [{ color: getComputedStyle(swatch).backgroundColor, label, kind: 'area' as const }];
  });
}

/** The size asked in a PNG form's two inputs, within 200-8000 px. */
export function askedSize(w: HTMLInputElement, h: HTMLInputElement): [number, number] {
  const clamp = (v: string, d: number) => Math.min(8000, Math.max(200, Number(v) || d));
  return [clamp(w.value, 1600), clamp(h.value, 1200)];
}

/** Hands a blob to the browser as a download. */
export function saveBlob(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
