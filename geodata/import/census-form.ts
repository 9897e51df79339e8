import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type pg from 'pg';
import { runImport } from './run-import.ts';
import type { CreditCodeToReview, ImportReport, RowError, UnitConversion } from './types.ts';
import { decodeBytes, isValidUtf8File } from './decode-text.ts';
import { exportToBuffer } from '../export/index.ts';

/**
 * Census-form import: a CSV of sources as census software exports it. Coordinates in decimal
 * degrees or degrees-minutes-seconds text, in a declared CRS (converted to WGS-84 by the import
 * library, the entered text kept); the unified social credit code checked by its check
 * character (GB 32100-2015) by the import, a wrong one stored and listed for review
 * (credit_code_invalid), never refused. A file with errors stores nothing, unless `keepValidRows` asks to
 * import the valid rows and return the others as a rejected-rows CSV.
 */
export interface CensusFormOptions {
  readonly file: string;
  /** Declared CRS of the coordinates: wgs84, cgcs2000, gcj02 or bd09 (a per-row 坐标系 column wins). */
  readonly crs: 'wgs84' | 'cgcs2000' | 'gcj02' | 'bd09';
  readonly actor: string;
  readonly keepValidRows?: boolean;
}

export interface CensusFormReport {
  /** Rows stored (0 when the file had errors and keepValidRows was not set). */
  readonly rowsStored: number;
  readonly rowsRead: number;
  /** Every error, naming the CSV line (header = 1) and the field. */
  readonly errors: readonly RowError[];
  /** With keepValidRows: the rejected rows as CSV (UTF-8 with BOM, CRLF, the original header plus 错误原因), by the export service. */
  readonly rejectedCsv: string | null;
  readonly batchId: number | null;
  /** Credit codes stored although their check failed (lines of this file); the review lists each. */
  readonly creditCodesToReview: { readonly count: number; readonly first: readonly CreditCodeToReview[] };
  /** Emission headers read in their unit (千克, kg…) and converted to t/a. */
  readonly unitsConverted: readonly UnitConversion[];
}

const NO_CREDIT_CODES = { count: 0, first: [] } as const;

/** Rounds of "import, drop the rows it rejects" before giving up (each round names new lines). */
const MAX_ROUNDS = 5;

export async function importCensusForm(pool: pg.Pool, options: CensusFormOptions): Promise<CensusFormReport> {
  const bytes = readFileSync(options.file);
  const text = decodeBytes(bytes, (await isValidUtf8File(options.file)) ? 'utf8' : 'gb18030').replace(/^\uFEFF/, '');
  const records = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
  const [header = [], ...rows] = records;
  const errors: RowError[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'yzt-census-form-'));
  try {
    const run = (lines: number[]) => {
      const path = join(dir, basename(options.file));
      writeFileSync(path, toCsv([header, ...lines.map((l) => rows[l - 2]!)]));
      return runImport(pool, { kind: 'source', files: [path], actor: options.actor, defaults: { entered_crs: options.crs }, fileName: basename(options.file) });
    };
    let kept = rows.map((_, i) => i + 2);
    if (!options.keepValidRows) {
      const report = await run(kept);
      return { rowsStored: report.rowsStored, rowsRead: rows.length, errors: report.errors, rejectedCsv: null, batchId: report.batchId,
        creditCodesToReview: report.creditCodesToReview ?? NO_CREDIT_CODES, unitsConverted: report.unitsConverted ?? [] };
    }
    let report: ImportReport | null = null;
    for (let round = 0; round < MAX_ROUNDS && kept.length > 0; round++) {
      report = await run(kept);
      if (report.errors.length === 0) break;
      // The import names lines of the file it was given: map them back to the original lines.
      const bad = new Set(report.errors.map((e) => kept[e.line - 2]!));
      for (const e of report.errors) {
        const line = kept[e.line - 2]!;
        errors.push({ ...e, line, at: `line ${line}`, message: `line ${line}, ${e.field}: ${e.reason}` });
      }
      kept = kept.filter((l) => !bad.has(l));
      report = null;
    }
    const rejectedLines = [...new Set(errors.map((e) => e.line))].sort((a, b) => a - b);
    const rejectedCsv = await rejectedRowsCsv(pool, header, rejectedLines.map((l) => [...rows[l - 2]!,
      errors.filter((e) => e.line === l).map((e) => `${e.field}: ${e.reason}`).join('; ')]));
    // The stored rows' credit codes, named by the lines of the original file.
    const credit = report?.creditCodesToReview ?? NO_CREDIT_CODES;
    const creditCodesToReview = { count: credit.count, first: credit.first.map((c) => {
      const line = kept[c.line - 2]!;
      return { ...c, line, at: `line ${line}`, message: c.message.replace(/^line \d+/, `line ${line}`) };
    }) };
    return { rowsStored: report?.rowsStored ?? 0, rowsRead: rows.length, errors, rejectedCsv, batchId: report?.batchId ?? null, creditCodesToReview,
      unitsConverted: report?.unitsConverted ?? [] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\n') + '\n';
}

/** The rejected rows, as the user's own header plus the reason, through the one export service. */
async function rejectedRowsCsv(pool: pg.Pool, header: readonly string[], rows: readonly (readonly string[])[]): Promise<string> {
  const columns = [...header, '错误原因'].map((h, i) => ({ key: `c${i}`, zh: h, en: h, type: 'text' as const }));
  const bytes = await exportToBuffer('csv', {
    name: '退回行 rejected rows', layer: 'rejected_rows', columns,
    rows: (async function* () { for (const r of rows) yield Object.fromEntries(r.map((v, i) => [`c${i}`, v])); })(),
  }, { db: pool });
  return bytes.toString('utf8');
}
