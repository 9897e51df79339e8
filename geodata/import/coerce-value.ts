import type { ColumnSpec } from '../model/layers.ts';
import { excelSerialDate, parseLooseNumber } from './header-unit.ts';

/** A coerced value, or why the input cannot be one. */
export type Coerced = { readonly value: string | number | null } | { readonly error: string };

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Coerces one input value (CSV text, a GeoJSON property, a DBF value) to a non-geometry
 * column: empty means null, `required` forbids null, then type, values, pattern and range.
 */
export function coerceValue(column: ColumnSpec, input: unknown): Coerced {
  const raw = scalarText(input);
  if (raw === undefined) return { error: `is ${Array.isArray(input) ? 'a list' : 'an object'}, expected a ${column.type}` };
  if (raw === null) return column.required ? { error: 'is required but empty' } : { value: null };
  switch (column.type) {
    case 'integer':
    case 'number':
      return coerceNumber(column, raw);
    case 'month':
      return typeof input === 'number' ? coerceSerialMonth(input, raw) : coerceMonth(raw);
    case 'text':
      return coerceText(column, raw);
    default:
      return { error: `is a ${column.type} column, not a field` };
  }
}

/** Decimal text to a number; null when it is not one (so callers can try other notations). */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  if (!DECIMAL.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** A value as trimmed text: null when empty, undefined for objects and lists. */
export function scalarText(input: unknown): string | null | undefined {
  if (input === null || input === undefined) return null;
  if (typeof input === 'string') return input.trim() === '' ? null : input.trim();
  if (typeof input === 'number') return Number.isFinite(input) ? String(input) : null;
  if (typeof input === 'boolean') return String(input);
  if (input instanceof Date) return input.toISOString().slice(0, 10);
  return undefined;
}

function coerceNumber(column: ColumnSpec, text: string): Coerced {
  // Full-width digits and thousands separators (`１２３`, `1,234.5`) are numbers as people type them.
  const n = parseDecimal(text) ?? parseLooseNumber(text);
  if (n === null) return { error: `"${text}" is not a number` };
  if (column.type === 'integer' && !Number.isInteger(n)) return { error: `"${text}" is not a whole number` };
  if (column.type === 'integer' && !Number.isSafeInteger(n)) return { error: `${text} is too large for an identifier or count` };
  if (column.min !== undefined && n < column.min) return { error: `${n} is below the minimum ${column.min}` };
  if (column.max !== undefined && n > column.max) return { error: `${n} is above the maximum ${column.max}` };
  return { value: n };
}

function coerceText(column: ColumnSpec, text: string): Coerced {
  // PostgreSQL text cannot hold NUL; caught here so the database never has to refuse a batch.
  if (text.includes('\u0000')) return { error: 'contains a NUL character' };
  let value = text;
  if (column.values) {
    const found = lookupValue(column.values, text);
    if (found === undefined) {
      const accepted = [...new Set(Object.values(column.values))].join(', ');
      return { error: `"${text}" is not one of ${accepted} (or their Chinese names)` };
    }
    value = found;
  }
  if (column.pattern && !column.pattern.test(value)) {
    return { error: `"${text}" is not ${column.patternHint ?? `of the form ${column.pattern.source}`}` };
  }
  return { value };
}

function lookupValue(values: Readonly<Record<string, string>>, text: string): string | undefined {
  if (Object.hasOwn(values, text)) return values[text];
  const lower = text.toLowerCase();
  for (const [key, stored] of Object.entries(values)) if (key.toLowerCase() === lower) return stored;
  return undefined;
}

/**
 * A month given as a number: six digits are YYYYMM (202403); five digits are an Excel serial
 * date (45352 = 2024-03-01, 1927..2173), which is what a date cell is under a format Excel
 * did not mark as a date.
 */
function coerceSerialMonth(n: number, raw: string): Coerced {
  if (n >= 10000 && n < 100000) {
    const date = excelSerialDate(n);
    if (date) return { value: `${date.slice(0, 7)}-01` };
  }
  return coerceMonth(raw);
}

const MONTH_FORMATS: readonly RegExp[] = [
  /^(?<y>\d{4})[-/.](?<m>\d{1,2})(?:[-/.](?<d>\d{1,2}))?$/,
  /^(?<y>\d{4})年(?<m>\d{1,2})月(?:(?<d>\d{1,2})日)?$/,
  /^(?<y>\d{4})(?<m>\d{2})$/,
];

/** 'YYYY-MM', 'YYYY-MM-DD', 'YYYY/MM', 'YYYYMM', 'YYYY年M月' → 'YYYY-MM-01'. */
function coerceMonth(text: string): Coerced {
  for (const format of MONTH_FORMATS) {
    const g = format.exec(text)?.groups;
    if (!g) continue;
    const y = Number(g.y), m = Number(g.m);
    if (m < 1 || m > 12) return { error: `"${text}" has month ${m}` };
    if (g.d !== undefined) {
      const d = Number(g.d);
      const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
      if (d < 1 || d > last) return { error: `"${text}" is not a date` };
    }
    return { value: `${g.y}-${String(m).padStart(2, '0')}-01` };
  }
  return { error: `"${text}" is not a month (YYYY-MM, YYYY-MM-DD or YYYY年M月)` };
}
