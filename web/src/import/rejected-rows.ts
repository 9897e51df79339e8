/** One reported error, as the import report gives it. */
interface RowError { readonly line: number; readonly at: string; readonly field: string; readonly reason: string }

const BOM = '\uFEFF';
const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * The rejected rows as a CSV with BOM (Excel then opens it as UTF-8 Chinese). For a CSV file,
 * the file's own header and rejected lines, each with its errors in a last column, so the user
 * fixes them and imports that file; for other formats, where a row is no line of text, one
 * line per error: where, field, reason.
 */
export async function rejectedRowsCsv(files: readonly File[], format: string, encoding: string | null, errors: readonly RowError[]): Promise<string> {
  const reasons = new Map<number, string[]>();
  for (const e of errors) reasons.set(e.line, [...(reasons.get(e.line) ?? []), `${e.field}: ${e.reason}`]);
  const file = files[0];
  if (format === 'csv' && file && files.length === 1) {
    const text = new TextDecoder(encoding === 'gbk' ? 'gbk' : 'utf-8').decode(await file.arrayBuffer()).replace(/^\uFEFF/, '');
    const lines = text.split(/\r?\n/);
    const out = [`${lines[0] ?? ''},${cell('错误 / error')}`];
    for (const [line, why] of [...reasons].sort((a, b) => a[0] - b[0])) out.push(`${lines[line - 1] ?? ''},${cell(why.join('；'))}`);
    return BOM + out.join('\r\n') + '\r\n';
  }
  const out = ['位置 / where,字段 / field,原因 / reason', ...errors.map((e) => [e.at, e.field, e.reason].map(cell).join(','))];
  return BOM + out.join('\r\n') + '\r\n';
}
