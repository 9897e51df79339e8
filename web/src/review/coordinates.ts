/**
 * Reads a coordinate pair a reviewer types: decimal degrees (`113.93, 22.58`) or degrees,
 * minutes and seconds (`113°56'12.3"E 22°34'48"N`, `113度56分12.3秒 22度34分48秒`). Longitude
 * first unless the hemisphere letters say otherwise. Null when it is not a coordinate pair.
 */
export function parseCoordinatePair(text: string): [number, number] | null {
  const parts = text.trim().split(/\s*[,，;；]\s*|\s+(?=[-+]?\d)/).filter(Boolean);
  if (parts.length !== 2) return null;
  const a = parseAngle(parts[0]!);
  const b = parseAngle(parts[1]!);
  if (!a || !b) return null;
  let lon = a;
  let lat = b;
  if (a.axis === 'lat' || b.axis === 'lon') [lon, lat] = [b, a];
  if (Math.abs(lon.value) > 180 || Math.abs(lat.value) > 90) return null;
  return [lon.value, lat.value];
}

interface Angle { value: number; axis: 'lon' | 'lat' | null }

function parseAngle(raw: string): Angle | null {
  let s = raw.trim().toUpperCase();
  let sign = 1;
  let axis: Angle['axis'] = null;
  const hemi = /[NSEW]$/.exec(s) ?? /^[NSEW]/.exec(s);
  if (hemi) {
    const h = hemi[0];
    axis = h === 'N' || h === 'S' ? 'lat' : 'lon';
    if (h === 'S' || h === 'W') sign = -1;
    s = s.replace(/^[NSEW]|[NSEW]$/, '').trim();
  }
  if (/^[-+]?\d+(\.\d+)?$/.test(s)) return { value: sign * Number(s), axis };
  const m = /^([-+]?\d+(?:\.\d+)?)\s*[°度]\s*(?:(\d+(?:\.\d+)?)\s*['′分])?\s*(?:(\d+(?:\.\d+)?)\s*(?:["″]|''|秒))?$/.exec(s);
  if (!m) return null;
  const deg = Number(m[1]);
  const min = Number(m[2] ?? 0);
  const sec = Number(m[3] ?? 0);
  if (min >= 60 || sec >= 60) return null;
  const value = Math.sign(deg || 1) * (Math.abs(deg) + min / 60 + sec / 3600);
  return { value: sign * value, axis };
}

/** `113.936750, 22.580000` for the readout. */
export function formatLonLat(lon: number, lat: number): string {
  return `${lon.toFixed(6)}, ${lat.toFixed(6)}`;
}
