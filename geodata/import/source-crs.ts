import proj4 from 'proj4';
import { ImportFileError } from './types.ts';

/**
 * The coordinate system a file's geometry is in, and how to bring it to the stored
 * longitude/latitude (SRID 4326). The transformation itself is PostGIS's ST_Transform with
 * `proj` as its source definition, so both engines use the same PROJ.
 */
export interface SourceCrs {
  /** For the report: "EPSG:4547 CGCS2000 3° Gauss-Krüger CM 114E (from districts.prj)". */
  readonly label: string;
  /** PROJ definition to transform from; null when coordinates are already WGS-84/CGCS2000 degrees. */
  readonly proj: string | null;
  readonly epsg: number | null;
  /** True when nothing declared the CRS and degrees were assumed from the coordinates. */
  readonly assumed: boolean;
}

export const LONLAT: SourceCrs = { label: 'longitude/latitude (WGS-84 or CGCS2000)', proj: null, epsg: 4326, assumed: false };

/** Where a declared CRS came from, for messages. */
export interface DeclaredCrs {
  /** The .prj text (WKT) or a GeoJSON crs name ("urn:ogc:def:crs:EPSG::4547"). */
  readonly text: string;
  /** "districts.prj", "zones.geojson's crs member". */
  readonly from: string;
}

export interface CrsOptions {
  /** An EPSG code the caller gives for a file without (or overriding) its declaration. */
  readonly srid?: number | string | undefined;
  /** Seven Helmert parameters "dx,dy,dz,rx,ry,rz,ds" (m, arc-seconds, ppm) to WGS-84, for Xian 80 / Beijing 54. */
  readonly towgs84?: string | undefined;
}

const CGCS2000_ELLPS = '+ellps=GRS80';
// Datums the product stores as they are: CGCS2000 and WGS-84 differ by centimetres.
const SAME_AS_WGS84 = /wgs[ _-]?(19)?84|cgcs[ _-]?2000|china[ _]geodetic[ _]coordinate[ _]system[ _]2000|china[ _]2000|grs[ _]?1980|grs80|pseudo|web[ _]mercator/i;
const LOCAL_DATUM = /xian|xi'an|beijing|krassowsky|krasovsky|iag[ _]?1975|new[ _]beijing/i;

/**
 * Resolves the CRS of one import: an `srid` option wins, then the file's declaration, then
 * the coordinates themselves (`extent`, when known: degrees are read as WGS-84/CGCS2000,
 * anything else is refused, naming what is missing).
 */
export function resolveCrs(
  options: CrsOptions,
  declared: DeclaredCrs | null,
  extent: readonly [number, number, number, number] | null,
  fileName: string,
  missingHint: string,
): SourceCrs {
  if (options.srid !== undefined && options.srid !== '') return crsFromSrid(options.srid, options.towgs84);
  if (declared) {
    const epsg = epsgFromName(declared.text);
    if (epsg !== null) {
      const crs = crsFromSrid(epsg, options.towgs84);
      return { ...crs, label: `${crs.label} (from ${declared.from})` };
    }
    return crsFromWkt(declared.text, declared.from, options.towgs84);
  }
  // Beyond ±1000 a coordinate is no wrong degree value but a metre one; between 180 and 1000
  // it is a degree value out of range, which the row checks report.
  if (extent && !looksLikeDegrees(extent) && extent.some((v) => Math.abs(v) > 1000)) {
    const [x0, y0, x1, y1] = extent.map((v) => Math.round(v));
    throw new ImportFileError(
      `${fileName} has ${missingHint} and its coordinates (x ${x0}..${x1}, y ${y0}..${y1}) are not longitude/latitude degrees; ` +
        `send its .prj with it, or give the coordinate system as srid (e.g. srid=4547 for CGCS2000 3° Gauss-Krüger CM 114E)`,
    );
  }
  return { ...LONLAT, label: `longitude/latitude, assumed WGS-84/CGCS2000: ${fileName} has ${missingHint}`, assumed: true };
}

export function looksLikeDegrees([x0, y0, x1, y1]: readonly [number, number, number, number]): boolean {
  return x0 >= -180 && x1 <= 180 && y0 >= -90 && y1 <= 90;
}

/** "urn:ogc:def:crs:EPSG::4547", "EPSG:4547", "urn:ogc:def:crs:OGC:1.3:CRS84" → EPSG code; WKT → null. */
export function epsgFromName(text: string): number | null {
  const t = text.trim();
  if (/^urn:ogc:def:crs:OGC:(1\.3:)?CRS84$/i.test(t) || /^CRS84$/i.test(t)) return 4326;
  const m = /^(?:urn:ogc:def:crs:)?EPSG:(?:[0-9.]*:)?([0-9]{4,6})$/i.exec(t) ?? /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[0-9.]+\/([0-9]{4,6})$/i.exec(t);
  return m ? Number(m[1]) : null;
}

/** Codes the importer can name and transform without more information. */
export function crsFromSrid(input: number | string, _towgs84?: string): SourceCrs {
  const code = typeof input === 'number' ? input : Number(String(input).replace(/^EPSG:/i, '').trim());
  if (!Number.isInteger(code)) throw new ImportFileError(`srid "${String(input)}" is not an EPSG code (e.g. 4547)`);
  if (code === 4326 || code === 4490) return { ...LONLAT, label: `EPSG:${code} ${code === 4326 ? 'WGS-84' : 'CGCS2000'} longitude/latitude`, epsg: code };
  if (code === 3857 || code === 900913) return { label: 'EPSG:3857 Web Mercator', proj: 'EPSG:3857', epsg: 3857, assumed: false };
  if (code >= 4491 && code <= 4554) return { label: `EPSG:${code} ${gaussKrugerName(code)}`, proj: `EPSG:${code}`, epsg: code, assumed: false };
  if ((code >= 32601 && code <= 32660) || (code >= 32701 && code <= 32760)) {
    return { label: `EPSG:${code} WGS-84 UTM zone ${code % 100}${code < 32700 ? 'N' : 'S'}`, proj: `EPSG:${code}`, epsg: code, assumed: false };
  }
  if (isXianOrBeijing(code)) {
    // An EPSG code cannot carry the user's seven parameters; the .prj's parameters can (crsFromWkt).
    throw localDatumError(`srid ${code}`, code === 4214 || (code >= 2401 && code <= 2442) || code >= 21413 ? 'Beijing 54' : 'Xian 80', true);
  }
  throw new ImportFileError(
    `srid ${code} is not a coordinate system the importer knows; it reads EPSG:4326/4490 (degrees), 4491-4554 (CGCS2000 Gauss-Krüger), 3857 (Web Mercator) and 326xx/327xx (UTM)`,
  );
}

/** Reads an ESRI or OGC WKT (.prj) through proj4's parser and builds the PROJ definition. */
export function crsFromWkt(wkt: string, from: string, towgs84?: string): SourceCrs {
  let def: Proj4Def;
  try {
    def = proj4.Proj(wkt.trim()) as unknown as Proj4Def;
  } catch (err) {
    throw new ImportFileError(`${from} is not a recognisable coordinate system (${wkt.slice(0, 80) || 'empty'}): ${(err as Error).message}`);
  }
  const name = def.name ?? def.srsCode ?? 'unnamed';
  const datumText = `${def.datumCode ?? ''} ${def.datumName ?? ''} ${wkt.slice(0, 400)}`;
  const local = LOCAL_DATUM.test(datumText) && !SAME_AS_WGS84.test(String(def.datumCode ?? ''));
  if (local && !towgs84) throw localDatumError(from, /beijing|krass|krasov/i.test(datumText) ? 'Beijing 54' : 'Xian 80');
  if (!local && !SAME_AS_WGS84.test(datumText) && !isWgs84Ellipsoid(def)) {
    throw new ImportFileError(`${from} uses a datum other than WGS-84 or CGCS2000 (${name}); convert the data first, or give srid`);
  }
  const ellps = ellipsoid(def);
  const shift = local ? `+towgs84=${checkHelmert(towgs84!)}` : '+towgs84=0,0,0';
  const projName = String(def.projName ?? '').toLowerCase();
  if (projName === 'longlat' || projName === 'lonlat') {
    if (!local) return { ...LONLAT, label: `${name} longitude/latitude (from ${from})` };
    return { label: `${name} longitude/latitude with the given 7-parameter transformation (from ${from})`, proj: `+proj=longlat ${ellps} ${shift} +no_defs`, epsg: null, assumed: false };
  }
  const toMeter = def.to_meter ?? 1;
  const units = toMeter === 1 ? '+units=m' : `+to_meter=${toMeter}`;
  const deg = (r: number | undefined) => ((r ?? 0) * 180) / Math.PI;
  if (['gauss_kruger', 'transverse_mercator', 'tmerc', 'utm', 'gauss-kruger'].includes(projName)) {
    const lon0 = round(deg(def.long0)), lat0 = round(deg(def.lat0)), k = def.k0 ?? 1, x0 = def.x0 ?? 0, y0 = def.y0 ?? 0;
    const epsg = local ? null : matchGaussKruger(lon0, lat0, k, x0, y0, ellps, name) ?? matchUtm(lon0, lat0, k, x0, y0, ellps);
    const proj = `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=${k} +x_0=${x0} +y_0=${y0} ${ellps} ${shift} ${units} +no_defs`;
    return { label: `${epsg ? `EPSG:${epsg} ` : ''}${name}${local ? ' with the given 7-parameter transformation' : ''} (from ${from})`, proj, epsg, assumed: false };
  }
  if (projName.startsWith('mercator') || projName === 'merc' || projName === 'popular visualisation pseudo mercator') {
    const sphere = projName.includes('auxiliary') || /pseudo|web[ _]mercator|3857/i.test(`${name} ${projName}`);
    if (sphere) return { label: `EPSG:3857 Web Mercator (${name}, from ${from})`, proj: 'EPSG:3857', epsg: 3857, assumed: false };
    const proj = `+proj=merc +lon_0=${round(deg(def.long0))} +lat_ts=${round(deg(def.lat_ts))} +k=${def.k0 ?? 1} +x_0=${def.x0 ?? 0} +y_0=${def.y0 ?? 0} ${ellps} ${shift} ${units} +no_defs`;
    return { label: `${name} (from ${from})`, proj, epsg: null, assumed: false };
  }
  throw new ImportFileError(
    `${from} uses the ${def.projName ?? 'unknown'} projection (${name}), which the importer does not read; it reads Gauss-Krüger/transverse Mercator, UTM and Web Mercator; reproject the file, or give srid`,
  );
}

interface Proj4Def {
  projName?: string;
  name?: string;
  srsCode?: string;
  datumCode?: string;
  datumName?: string;
  a?: number;
  rf?: number;
  lat0?: number;
  long0?: number;
  lat_ts?: number;
  k0?: number;
  x0?: number;
  y0?: number;
  to_meter?: number;
}

function ellipsoid(def: Proj4Def): string {
  if (def.a === 6378137 && def.rf !== undefined && Math.abs(def.rf - 298.257222101) < 1e-6) return CGCS2000_ELLPS;
  if (def.a === 6378137 && def.rf !== undefined && Math.abs(def.rf - 298.257223563) < 1e-6) return '+ellps=WGS84';
  if (def.a !== undefined && def.rf !== undefined && def.rf > 0) return `+a=${def.a} +rf=${def.rf}`;
  if (def.a !== undefined) return `+a=${def.a} +b=${def.a}`;
  return '+ellps=WGS84';
}

function isWgs84Ellipsoid(def: Proj4Def): boolean {
  return def.a === 6378137 && def.rf !== undefined && Math.abs(def.rf - 298.2572) < 1e-3;
}

/** The EPSG code of a CGCS2000 Gauss-Krüger zone, with or without the zone in the false easting. */
function matchGaussKruger(lon0: number, lat0: number, k: number, x0: number, y0: number, ellps: string, name: string): number | null {
  if (ellps !== CGCS2000_ELLPS || lat0 !== 0 || k !== 1 || y0 !== 0 || !Number.isInteger(lon0)) return null;
  const zone = Math.round((x0 - 500000) / 1e6);
  if (x0 === 500000) {
    const six = /6[ _-]?degree|6度/i.test(name);
    if (six && (lon0 - 75) % 6 === 0 && lon0 >= 75 && lon0 <= 135) return 4502 + (lon0 - 75) / 6;
    if ((lon0 - 75) % 3 === 0 && lon0 >= 75 && lon0 <= 135) return 4534 + (lon0 - 75) / 3;
    return null;
  }
  if (x0 !== zone * 1e6 + 500000) return null;
  if (zone >= 13 && zone <= 23 && lon0 === 6 * zone - 3) return 4491 + zone - 13;
  if (zone >= 25 && zone <= 45 && lon0 === 3 * zone) return 4513 + zone - 25;
  return null;
}

function matchUtm(lon0: number, lat0: number, k: number, x0: number, y0: number, ellps: string): number | null {
  if (ellps !== '+ellps=WGS84' || lat0 !== 0 || k !== 0.9996 || x0 !== 500000 || (lon0 + 183) % 6 !== 0) return null;
  const zone = (lon0 + 183) / 6;
  if (y0 === 0) return 32600 + zone;
  if (y0 === 10000000) return 32700 + zone;
  return null;
}

function gaussKrugerName(code: number): string {
  if (code <= 4501) return `CGCS2000 6° Gauss-Krüger zone ${code - 4491 + 13}`;
  if (code <= 4512) return `CGCS2000 6° Gauss-Krüger CM ${75 + 6 * (code - 4502)}E`;
  if (code <= 4533) return `CGCS2000 3° Gauss-Krüger zone ${code - 4513 + 25}`;
  return `CGCS2000 3° Gauss-Krüger CM ${75 + 3 * (code - 4534)}E`;
}

// Xian 1980: 4610 and its GK zones 2327-2400; Beijing 1954: 4214, 2401-2442 and 21413-21483.
function isXianOrBeijing(code: number): boolean {
  return code === 4610 || code === 4214 || (code >= 2327 && code <= 2442) || (code >= 21413 && code <= 21483);
}

function checkHelmert(text: string): string {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 7 || parts.some((p) => !Number.isFinite(p))) {
    throw new ImportFileError(`towgs84 "${text}" is not seven numbers dx,dy,dz,rx,ry,rz,ds (metres, arc-seconds, ppm)`);
  }
  return parts.join(',');
}

function localDatumError(from: string, datum: string, bySrid = false): ImportFileError {
  const fix = bySrid
    ? 'send the file with its .prj and give towgs84=dx,dy,dz,rx,ry,rz,ds (the 7-parameter transformation your surveying office uses), or convert the file to CGCS2000 first'
    : 'give the 7-parameter transformation your surveying office uses as towgs84=dx,dy,dz,rx,ry,rz,ds, or convert the file to CGCS2000 first';
  return new ImportFileError(`${from} is on the ${datum} datum, which differs from CGCS2000/WGS-84 by up to 100 m and has no single public transformation; ${fix}`);
}

function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}
