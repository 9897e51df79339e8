/**
 * Parses a coordinate written as degrees-minutes-seconds, as census forms often are:
 * `113°56'12.3"`, `113度56分12.3秒`, `113°56.205'`, `E113°56'12"`, `北纬22°32′`, `22°32'S`.
 * Returns the decimal degrees, or an error reason; plain decimal numbers are not its business.
 */
export type DmsResult =
  | { readonly value: number; /** The axis a hemisphere word names, if any. */ readonly axis?: 'lon' | 'lat' }
  | { readonly error: string };

const DMS =
  /^(?<pre>东经|西经|北纬|南纬|[NSEWnsew])?\s*(?<deg>\d{1,3}(?:\.\d+)?)\s*(?:°|º|度)\s*(?:(?<min>\d{1,2}(?:\.\d+)?)\s*(?:'|′|’|分)\s*)?(?:(?<sec>\d{1,2}(?:\.\d+)?)\s*(?:"|″|”|''|′′|秒)\s*)?(?<post>[NSEWnsew])?$/;

const NEGATIVE = new Set(['西经', '南纬', 'S', 'W']);

export function parseDms(text: string): DmsResult | null {
  const m = DMS.exec(text.trim());
  if (!m?.groups) return null;
  const { pre, deg, min, sec, post } = m.groups;
  if (pre && post) return { error: `"${text}" names the hemisphere twice` };
  if (sec !== undefined && min === undefined) return { error: `"${text}" has seconds but no minutes` };
  const minutes = min === undefined ? 0 : Number(min);
  const seconds = sec === undefined ? 0 : Number(sec);
  if (minutes >= 60) return { error: `"${text}" has ${min} minutes; minutes must be below 60` };
  if (seconds >= 60) return { error: `"${text}" has ${sec} seconds; seconds must be below 60` };
  if (sec !== undefined && !Number.isInteger(minutes)) return { error: `"${text}" has fractional minutes and seconds` };
  const hemisphere = pre && /^[\u4e00-\u9fff]/.test(pre) ? pre : (pre ?? post ?? '').toUpperCase();
  const degrees = Number(deg) + minutes / 60 + seconds / 3600;
  const value = NEGATIVE.has(hemisphere) ? -degrees : degrees;
  if (!hemisphere) return { value };
  return { value, axis: ['E', 'W', '东经', '西经'].includes(hemisphere) ? 'lon' : 'lat' };
}
