import { basename, extname } from 'node:path';
import { openCsv } from '../import/read-csv.ts';
import { ImportFileError } from '../import/types.ts';
import { XlsxWorkbookReader } from '../import/xlsx-workbook-reader.ts';

/** One unit of another department's list, as the file has it. `line` counts the header as 1. */
export interface ListUnit {
  readonly line: number;
  readonly name: string;
  readonly creditCode: string | null;
  readonly orgCode: string | null;
  readonly address: string | null;
  readonly lon: number | null;
  readonly lat: number | null;
}

export interface ListRowError {
  readonly line: number;
  readonly field: string;
  readonly reason: string;
}

export interface ReadList {
  readonly units: ListUnit[];
  readonly errors: ListRowError[];
}

/** Header names the lists of market regulation, tax, power and permit offices use. */
const FIELDS = {
  name: ['单位名称', '企业名称', '名称', '市场主体名称', '纳税人名称', '户名', '排污单位名称', 'name'],
  creditCode: ['统一社会信用代码', '信用代码', '社会信用代码', 'credit_code', 'creditcode'],
  orgCode: ['组织机构代码', '机构代码', 'org_code', 'orgcode'],
  address: ['地址', '详细地址', '注册地址', '经营地址', '生产经营场所地址', '用电地址', 'address'],
  lon: ['经度', 'lon', 'lng', 'longitude', 'x'],
  lat: ['纬度', 'lat', 'latitude', 'y'],
} as const;

type Field = keyof typeof FIELDS;

/**
 * Reads a list file (CSV in UTF-8 or GBK, or XLSX: the first sheet) into units. A row without
 * a name, or with a coordinate that is not a number, is an error naming its line and field;
 * the other rows are kept so one slip does not refuse a 50,000-row list.
 */
export async function readList(path: string, fileName = basename(path), encoding?: string): Promise<ReadList> {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.xls') throw new ImportFileError(`${fileName}: the old .xls format is not read; save it as .xlsx (Excel: File → Save As → Excel Workbook) or as CSV`);
  const rows = ext === '.xlsx' ? await xlsxRows(path, fileName) : await csvRows(path, encoding);
  const [header, ...body] = rows;
  if (!header) throw new ImportFileError(`${fileName} is empty: no header line`);
  const columns = resolveColumns(header.cells, fileName);
  const units: ListUnit[] = [];
  const errors: ListRowError[] = [];
  for (const row of body) {
    const cell = (f: Field) => {
      const i = columns[f];
      const v = i === undefined ? '' : (row.cells[i] ?? '').normalize('NFKC').trim();
      return v === '' ? null : v;
    };
    if (row.cells.every((c) => c.trim() === '')) continue;
    const name = cell('name');
    if (!name) {
      errors.push({ line: row.line, field: header.cells[columns.name!]!, reason: 'the unit name is empty; every unit of a list needs one' });
      continue;
    }
    const coord = (f: 'lon' | 'lat', max: number): number | null | undefined => {
      const text = cell(f);
      if (text === null) return null;
      const v = Number(text.replace(/,/g, ''));
      if (Number.isFinite(v) && Math.abs(v) <= max) return v;
      errors.push({ line: row.line, field: header.cells[columns[f]!]!, reason: `"${text}" is not a ${f === 'lon' ? 'longitude' : 'latitude'} in degrees; leave it empty when unknown` });
      return undefined;
    };
    const lon = coord('lon', 180);
    const lat = coord('lat', 90);
    if (lon === undefined || lat === undefined) continue;
    const credit = cell('creditCode')?.toUpperCase() ?? null;
    units.push({
      line: row.line, name, creditCode: credit, address: cell('address'),
      // A given organisation code wins; otherwise characters 9-17 of the credit code are one.
      orgCode: cell('orgCode')?.replace(/[-\s]/g, '').toUpperCase() ?? (credit && credit.length === 18 ? credit.slice(8, 17) : null),
      lon: lat === null ? null : lon, lat: lon === null ? null : lat,
    });
  }
  return { units, errors };
}

function resolveColumns(header: readonly string[], fileName: string): Partial<Record<Field, number>> {
  const found: Partial<Record<Field, number>> = {};
  const normal = header.map((h) => h.normalize('NFKC').trim().toLowerCase());
  for (const field of Object.keys(FIELDS) as Field[]) {
    const i = normal.findIndex((h) => (FIELDS[field] as readonly string[]).includes(h));
    if (i >= 0) found[field] = i;
  }
  if (found.name === undefined) {
    throw new ImportFileError(`${fileName} line 1: no unit-name column; name one of ${FIELDS.name.slice(0, 4).join(', ')} (found: ${header.join(', ')})`);
  }
  return found;
}

interface RawRow {
  readonly line: number;
  readonly cells: string[];
}

async function csvRows(path: string, encoding?: string): Promise<RawRow[]> {
  const reader = await openCsv(path, encoding, { parsed: 0 });
  const header = reader.header ?? [];
  const rows: RawRow[] = [{ line: 1, cells: [...header] }];
  try {
    for await (const r of reader.records) {
      const problem = r.problems.find((p) => p.field === '(row)' || p.reason.includes('encoding'));
      if (problem && Object.keys(r.fields).length === 0) throw new ImportFileError(`line ${r.line}: ${problem.reason}`);
      rows.push({ line: r.line, cells: header.map((h) => String(r.fields[h] ?? '')) });
    }
  } finally {
    await reader.close();
  }
  return rows;
}

/** The first tab, streamed (through the central directory: see XlsxWorkbookReader); codes stay text (a cell typed as a number keeps its digits). */
async function xlsxRows(path: string, fileName: string): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  try {
    const workbook = new XlsxWorkbookReader(path, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit' });
    for await (const sheet of workbook) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let c = 1; c < values.length; c++) cells.push(cellText(values[c]));
        rows.push({ line: row.number, cells });
      }
      break;
    }
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    throw new ImportFileError(`${fileName} cannot be read as an .xlsx workbook: ${(err as Error).message}`);
  }
  return rows;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    const o = v as { text?: unknown; result?: unknown; richText?: { text: string }[] };
    if (o.richText) return o.richText.map((t) => t.text).join('');
    if (o.text !== undefined) return String(o.text);
    if (o.result !== undefined) return String(o.result);
    if (v instanceof Date) return v.toISOString().slice(0, 10);
  }
  return String(v);
}
