import ExcelJS from 'exceljs';
import type { Readable } from 'node:stream';
import { Open } from 'unzipper';

/**
 * ExcelJS's streaming WorkbookReader, reading the zip through its central directory.
 *
 * ExcelJS 4.4 reads an .xlsx in one streaming pass over the zip's local headers. On Node ≥ 18
 * that pass can stop after a worksheet it set aside (exceljs#3064, #683): the entries after it
 * (sharedStrings.xml, workbook.xml, workbook.xml.rels) never arrive, so the sheet's cells come
 * back as {sharedString: n} and it is named "Sheet1". We measured it here: a workbook whose
 * sheet precedes its shared strings lost them on 31 of 60 reads, and GDAL's workbooks lost
 * their sheet names in CI. This reader opens the central directory (unzipper.Open, the zip
 * library ExcelJS itself uses) and parses the relations, the workbook, the shared strings and
 * the styles before any sheet, then gives the sheets in tab order, each still read row by row
 * from the file, as in exceljs PR #3065 (not released).
 */

/** The private steps of ExcelJS's WorkbookReader this reader calls, in the order it needs. */
interface ReaderSteps {
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: { rId: string }[] };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(entry: Readable, sheetNo: string): Generator<unknown>;
}

const WORKSHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/;

export class XlsxWorkbookReader extends ExcelJS.stream.xlsx.WorkbookReader {
  readonly #path: string;

  constructor(path: string, options: Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>) {
    super(path, options);
    this.#path = path;
  }

  override async *parse(): AsyncGenerator<unknown> {
    const steps = this as unknown as ReaderSteps;
    const directory = await Open.file(this.#path);
    const entries = new Map(directory.files.map((f) => [f.path.replace(/^\//, ''), f]));
    const part = (path: string) => entries.get(path)?.stream();

    const rels = part('xl/_rels/workbook.xml.rels');
    if (rels) await steps._parseRels(rels);
    const workbook = part('xl/workbook.xml');
    if (workbook) await steps._parseWorkbook(workbook);
    const sharedStrings = part('xl/sharedStrings.xml');
    if (sharedStrings) yield* steps._parseSharedStrings(sharedStrings);
    const styles = part('xl/styles.xml');
    if (styles) await steps._parseStyles(styles);

    for (const sheetNo of sheetFilesInTabOrder(steps, [...entries.keys()])) {
      // Opened only when its turn comes: the file is read one sheet at a time.
      yield* steps._parseWorksheet(entries.get(`xl/worksheets/sheet${sheetNo}.xml`)!.stream(), sheetNo);
    }
  }
}

/** The sheet files' numbers: those workbook.xml lists, in its tab order, then any other. */
function sheetFilesInTabOrder(steps: ReaderSteps, paths: readonly string[]): string[] {
  const files = paths.flatMap((p) => WORKSHEET.exec(p)?.[1] ?? []).sort((a, b) => Number(a) - Number(b));
  // A relation's target is relative to xl/ ("worksheets/sheet1.xml") or absolute ("/xl/worksheets/sheet1.xml").
  const target = new Map((steps.workbookRels ?? []).map((r) => [r.Id, `xl/${r.Target.replace(/^\/?(xl\/)?/, '')}`]));
  const listed = (steps.model?.sheets ?? []).flatMap((s) => WORKSHEET.exec(target.get(s.rId) ?? '')?.[1] ?? []);
  const inTabs = listed.filter((n) => files.includes(n));
  return [...inTabs, ...files.filter((n) => !inTabs.includes(n))];
}
