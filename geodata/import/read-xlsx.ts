import ExcelJS from 'exceljs';
import { basename } from 'node:path';
import { assertLooksLike } from './detect-format.ts';
import { XlsxWorkbookReader } from './xlsx-workbook-reader.ts';
import { excelSerialDate } from './header-unit.ts';
import { ImportFileError, type FieldProblem, type OpenedReader, type ReadCounter, type SourceRecord } from './types.ts';

/** One worksheet row as the reader yields it: the Excel row number and the cells as values. */
interface SheetRow {
  readonly line: number;
  readonly cells: readonly Cell[];
}

/** A cell: text, a number the sheet typed as a number, or an Excel error like `#N/A`. */
type Cell = { readonly text: string; readonly numeric: boolean } | { readonly error: string };

const EMPTY: Cell = { text: '', numeric: false };

/**
 * Opens one worksheet of an .xlsx workbook as a stream of records keyed by its first non-empty
 * row (the header), like a CSV: `sheet` is the sheet's name or its position counted from 1;
 * absent, the first sheet. The workbook is streamed (exceljs WorkbookReader), so a 600k-row
 * sheet never sits in memory.
 *
 * Cells keep what Excel shows where the value alone would lose it: a code typed as text keeps
 * its leading zeros; a number whose format pads with zeros (`0000`, how people keep industry
 * code `0511` in a number column) comes out padded; a date cell is `YYYY-MM-DD`. A number
 * without such a format is yielded as a number and named in `numericFields`, so a code column
 * it fails can say the leading zeros were lost in Excel and how to keep them.
 */
export async function openXlsx(path: string, sheet: string | number | undefined, counter: ReadCounter): Promise<OpenedReader> {
  assertLooksLike(path, 'zip');
  const name = basename(path);
  const workbook = new XlsxWorkbookReader(path, {
    sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'ignore',
  });
  const sheets = workbook[Symbol.asyncIterator]() as AsyncIterator<ExcelJS.stream.xlsx.WorksheetReader>;
  const seen: string[] = [];
  const wanted = wantedSheet(sheet);
  let chosen: { name: string; rows: AsyncIterator<SheetRow> } | null = null;
  try {
    for (let position = 1; ; position++) {
      const next = await sheets.next();
      if (next.done) break;
      const reader = next.value;
      const sheetName = sheetNameOf(workbook, reader, position);
      seen.push(sheetName);
      const matches = wanted === null ? position === 1 : sheetMatches(wanted, sheetName, position, sheetList(workbook, []));
      if (matches) {
        chosen = { name: sheetName, rows: rowsOf(reader, counter) };
        break;
      }
      // A sheet before the wanted one has its own stream of the file: closed unread.
      (reader as unknown as { iterator?: { destroy?: () => void } }).iterator?.destroy?.();
    }
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    throw new ImportFileError(`${name} cannot be read as an .xlsx workbook: ${(err as Error).message}; save it again from Excel or WPS as .xlsx`);
  }
  if (!chosen) {
    const all = sheetList(workbook, seen);
    if (all.length === 0) throw new ImportFileError(`${name} has no worksheet`);
    throw new ImportFileError(`${name} has no sheet ${typeof wanted === 'number' ? `number ${wanted}` : `"${String(sheet)}"`}; its sheets are ${all.map((s, i) => `${i + 1} "${s}"`).join(', ')}: give one of them as the sheet option`);
  }
  const first = await nextRow(chosen.rows, name);
  const where = `${name} sheet "${chosen.name}"`;
  if (!first) throw new ImportFileError(`${where} is empty: no header row`);
  counter.parsed--;
  const header = headerOf(first, where);
  const rows = chosen.rows;
  return {
    unit: 'row',
    encoding: null,
    header,
    sheet: chosen.name,
    sheets: sheetList(workbook, seen),
    records: records(rows, header, name),
    async close() {
      await rows.return?.();
    },
  };
}

/** A sheet option as a position (from 1) or a name; null when none was given. */
function wantedSheet(sheet: string | number | undefined): string | number | null {
  if (sheet === undefined || sheet === '') return null;
  if (typeof sheet === 'number') {
    if (!Number.isInteger(sheet) || sheet < 1) throw new ImportFileError(`sheet ${sheet}: a sheet is given by its name or its position counted from 1`);
    return sheet;
  }
  return sheet.normalize('NFKC').trim();
}

/**
 * A name matches its sheet; a number, or digits naming no sheet ("2" when no sheet is called
 * "2"), the sheet at that position.
 */
function sheetMatches(wanted: string | number, name: string, position: number, names: readonly string[]): boolean {
  if (typeof wanted === 'number') return position === wanted;
  if (name.normalize('NFKC').trim() === wanted) return true;
  return /^\d+$/.test(wanted) && !names.some((n) => n.normalize('NFKC').trim() === wanted) && position === Number(wanted);
}

interface WorkbookModel {
  model?: { sheets?: { name: string; id: number }[] };
}

/**
 * A sheet's name from workbook.xml. ExcelJS names a sheet through workbook.xml.rels; when that
 * link is missing (a writer that leaves it out, or a rels entry read as empty) it falls back to
 * "Sheet<n>", a name the user never saw. Then the tab list at the sheet's position names it, so
 * the sheet option given as the name in Excel's tab still matches (GDAL's workbooks failed so in CI).
 */
function sheetNameOf(workbook: unknown, reader: ExcelJS.stream.xlsx.WorksheetReader, position: number): string {
  const named = (reader as unknown as { name?: unknown }).name;
  const listed = sheetList(workbook, []);
  if (typeof named === 'string' && named !== '' && (listed.length === 0 || listed.includes(named))) return named;
  return listed.at(position - 1) ?? (typeof named === 'string' && named !== '' ? named : `Sheet${position}`);
}

/** The sheets workbook.xml lists, in tab order; else the names seen while streaming. */
function sheetList(workbook: unknown, seen: readonly string[]): string[] {
  const listed = (workbook as WorkbookModel).model?.sheets?.map((s) => s.name) ?? [];
  return listed.length > 0 ? listed : [...seen];
}

async function* rowsOf(sheet: ExcelJS.stream.xlsx.WorksheetReader, counter: ReadCounter): AsyncGenerator<SheetRow> {
  for await (const row of sheet) {
    const cells: Cell[] = [];
    const r = row as ExcelJS.Row;
    const count = r.cellCount;
    for (let c = 1; c <= count; c++) cells.push(cellOf(r.getCell(c)));
    // Rows that only carry formatting are no rows.
    if (cells.every((cell) => 'text' in cell && cell.text.trim() === '')) continue;
    counter.parsed++;
    yield { line: r.number, cells };
  }
}

async function nextRow(rows: AsyncIterator<SheetRow>, name: string): Promise<SheetRow | null> {
  try {
    const r = await rows.next();
    return r.done ? null : r.value;
  } catch (err) {
    throw new ImportFileError(`${name} cannot be read as an .xlsx workbook: ${(err as Error).message}; save it again from Excel or WPS as .xlsx`);
  }
}

function headerOf(first: SheetRow, where: string): string[] {
  const header = first.cells.map((c) => ('text' in c ? c.text.trim() : `#${c.error}`));
  // Columns formatted past the last heading are not columns.
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (h === '') throw new ImportFileError(`${where} row ${first.line}: the header cell of column ${columnLetters(i + 1)} is empty; give every column a heading`);
    if (seen.has(h.toLowerCase())) throw new ImportFileError(`${where} row ${first.line}, header "${h}": appears twice in the header`);
    seen.add(h.toLowerCase());
  });
  return header;
}

async function* records(rows: AsyncIterator<SheetRow>, header: readonly string[], name: string): AsyncGenerator<SourceRecord> {
  for (;;) {
    const row = await nextRow(rows, name);
    if (!row) return;
    const problems: FieldProblem[] = [];
    const fields: Record<string, string | number> = {};
    const numericFields: string[] = [];
    header.forEach((h, i) => {
      const cell = row.cells[i] ?? EMPTY;
      if ('error' in cell) {
        problems.push({ field: h, reason: `the cell holds the Excel error ${cell.error}; correct the formula or enter the value` });
        return;
      }
      if (cell.numeric) {
        fields[h] = Number(cell.text);
        numericFields.push(h);
      } else {
        fields[h] = cell.text;
      }
    });
    for (let i = header.length; i < row.cells.length; i++) {
      const cell = row.cells[i]!;
      if ('text' in cell && cell.text.trim() === '') continue;
      problems.push({ field: '(row)', reason: `column ${columnLetters(i + 1)} has a value but no heading; give the column a heading or clear it` });
      break;
    }
    yield { line: row.line, fields, problems, ...(numericFields.length > 0 && { numericFields }) };
  }
}

/** One cell as text, keeping what Excel displays where the raw value would lose it. */
function cellOf(cell: ExcelJS.Cell): Cell {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return EMPTY;
  if (typeof v === 'string') return { text: v, numeric: false };
  if (typeof v === 'boolean') return { text: String(v), numeric: false };
  if (typeof v === 'number') return numberCell(v, cell.numFmt);
  if (v instanceof Date) return { text: isoDate(v), numeric: false };
  const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
  if (o.error !== undefined) return { error: String(o.error) };
  if (o.richText) return { text: o.richText.map((t) => t.text).join(''), numeric: false };
  if (o.text !== undefined) return { text: String(o.text), numeric: false };
  if ('result' in o) {
    const r = o.result;
    if (r === undefined || r === null) return EMPTY;
    if (typeof r === 'number') return numberCell(r, cell.numFmt);
    if (r instanceof Date) return { text: isoDate(r), numeric: false };
    if (typeof r === 'object' && 'error' in r) return { error: String((r as { error: unknown }).error) };
    return { text: String(r), numeric: false };
  }
  return { text: String(v), numeric: false };
}

/**
 * A number cell. A format of only zeros (`0000`, `000000000000`) is how a code column keeps its
 * leading zeros as numbers: the padded text is what Excel shows, and what the census meant. A
 * date format exceljs did not take for one (`yyyy"年"m"月"`) gives the serial date as text.
 */
function numberCell(n: number, format: string | undefined): Cell {
  const fmt = (format ?? '').replace(/;.*$/, '').trim();
  if (/^0+$/.test(fmt) && Number.isInteger(n) && n >= 0) return { text: String(n).padStart(fmt.length, '0'), numeric: false };
  if (fmt === '@') return { text: String(n), numeric: false };
  if (/[ymd]/i.test(fmt.replace(/"[^"]*"/g, '')) && !/[0#]/.test(fmt)) {
    const date = excelSerialDate(n);
    if (date) return { text: date, numeric: false };
  }
  return { text: String(n), numeric: true };
}

function isoDate(d: Date): string {
  // exceljs builds dates at UTC midnight of the serial day.
  return d.toISOString().slice(0, 10);
}

function columnLetters(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}
