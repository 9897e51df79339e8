/**
 * Units written into column headers, as people write them: `化学需氧量(吨)`, `COD排放量（千克）`,
 * `氨氮(kg)`. Pollutant amounts are stored in t/a (see POLLUTANTS in geodata/model/vocabulary.ts);
 * `factor` converts a value in the header's unit to tonnes.
 */
export interface HeaderUnit {
  /** The header without the bracketed unit, trimmed: `化学需氧量`. */
  readonly name: string;
  /** The unit as written, e.g. `千克`, `kg`. */
  readonly unit: string;
  /** Multiply a value in `unit` by this to get tonnes. */
  readonly factor: number;
}

const TO_TONNES: Readonly<Record<string, number>> = {
  '吨': 1, 't': 1, 't/a': 1, '吨/年': 1, '吨/a': 1,
  '千克': 0.001, '公斤': 0.001, 'kg': 0.001, 'kg/a': 0.001, '千克/年': 0.001, '公斤/年': 0.001,
  '克': 1e-6, 'g': 1e-6, 'g/a': 1e-6, '克/年': 1e-6,
  '万吨': 1e4, '万吨/年': 1e4,
};

/** The unit in a header's trailing brackets (full- or half-width), or null when none is known. */
export function headerUnit(header: string): HeaderUnit | null {
  const split = splitHeader(header);
  if (!split) return null;
  const factor = TO_TONNES[split.unit.toLowerCase()];
  if (factor === undefined) return null;
  return { name: split.name, unit: split.unit, factor };
}

/** A header's name and the text in its trailing brackets (full- or half-width), known unit or not. */
export function splitHeader(header: string): { readonly name: string; readonly unit: string } | null {
  const text = header.normalize('NFKC').trim();
  const m = /^(.*?)\s*[([]\s*([^()[\]]+?)\s*[)\]]$/.exec(text);
  return m && m[1]!.trim() !== '' ? { name: m[1]!.trim(), unit: m[2]! } : null;
}

/** The mass units a header may give an emission in (what `headerUnit` converts to tonnes). */
export const MASS_UNITS: readonly string[] = Object.keys(TO_TONNES);

/** Multiplies a value by a unit factor without binary noise (1234 kg is 1.234 t, not 1.2340000000000002). */
export function convertUnit(value: number, factor: number): number {
  return factor === 1 ? value : Number((value * factor).toPrecision(12));
}

/**
 * A number as people type it: full-width digits (NFKC), thousands separators `1,234.5`,
 * surrounding spaces. Null when it is not a number.
 */
export function parseLooseNumber(text: string): number | null {
  const t = text.normalize('NFKC').trim().replace(/,(?=\d{3}(\D|$))/g, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** An Excel serial date (1900 system, days since 1899-12-30) as `YYYY-MM-DD`; null if out of range. */
export function excelSerialDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return null;
  const ms = Math.round((serial - 25569) * 86400000);
  return new Date(ms).toISOString().slice(0, 10);
}
