import type { ColumnType, ExportRow, ExportTable } from '../export/index.ts';

/**
 * A sheet of the quality loop's workbooks (list comparison, sample sheet, dispatch report) as
 * the routes describe it: the in-memory rows of one view, columns named in both languages.
 * `workbookTables` hands them to the one export service (geodata/export/), which writes them.
 */
export interface SheetSpec {
  readonly name: string;
  readonly columns: readonly { readonly zh: string; readonly en: string; readonly key: string; readonly width?: number }[];
  readonly rows: readonly object[];
}

/** The sheets as export tables: snake_case keys, each column's type read from its values. */
export function workbookTables(sheets: readonly SheetSpec[]): ExportTable[] {
  return sheets.map((sheet, i) => {
    const rows = sheet.rows as readonly Record<string, unknown>[];
    const columns = sheet.columns.map((c) => ({
      key: snake(c.key), zh: c.zh, en: c.en, type: columnType(rows.map((r) => r[c.key])),
      ...(c.width !== undefined ? { width: c.width } : {}),
    }));
    return {
      name: sheet.name, layer: `sheet_${i + 1}`, columns,
      rows: (async function* (): AsyncGenerator<ExportRow> {
        for (const r of rows) yield Object.fromEntries(sheet.columns.map((c) => [snake(c.key), shown(r[c.key])]));
      })(),
    };
  });
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// Numbers stay numbers (Excel sums them); a column with any text, or none at all, is text.
function columnType(values: readonly unknown[]): ColumnType {
  const present = values.filter((v) => v !== null && v !== undefined && v !== '');
  return present.length > 0 && present.every((v) => typeof v === 'number') ? 'number' : 'text';
}

// A yes/no reads as the census offices write it.
function shown(v: unknown): unknown {
  return typeof v === 'boolean' ? (v ? '是' : '否') : v;
}
