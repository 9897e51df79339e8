import { CsvError, parse, type Options } from 'csv-parse';
import { basename } from 'node:path';
import { assertLooksLike } from './detect-format.ts';
import { chooseEncoding, encodingProblem, openTextStream, type ChosenEncoding } from './decode-text.ts';
import { ImportFileError, type FieldProblem, type OpenedReader, type ReadCounter, type SourceRecord } from './types.ts';

interface ParsedLine {
  readonly cells: string[];
  readonly line: number;
}

/**
 * Opens a CSV as a stream of records keyed by header cell; the header is read up front. A
 * record with the wrong number of cells, or text that shows the encoding was wrong, comes
 * through with its problems so the importer can report it and keep validating the rest.
 */
export async function openCsv(path: string, encoding: string | undefined, counter: ReadCounter): Promise<OpenedReader> {
  assertLooksLike(path, 'csv');
  const chosen = await chooseEncoding(path, encoding);
  const options: Options<ParsedLine, string[]> = {
    bom: true,
    skip_empty_lines: true,
    // Counted here, not rejected: a short or long row becomes a row error naming its line.
    relax_column_count: true,
    on_record: (cells, context) => {
      counter.parsed++;
      return { cells, line: context.lines };
    },
  };
  // The typings tie on_record's result to string[] unless columns are given; ours returns lines.
  const text = openTextStream(path, chosen.encoding);
  const parser = text.pipe(parse(options as unknown as Options));
  parser.on('close', () => text.destroy());
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<ParsedLine>;
  const first = await next(iterator, path).catch((err: unknown) => {
    if (err instanceof CsvSyntaxError) throw new ImportFileError(`${basename(path)} line ${err.line}: ${err.message}`);
    throw err;
  });
  if (!first) throw new ImportFileError(`${basename(path)} is empty: no header line`);
  counter.parsed--;
  const header = first.cells.map((c) => c.trim());
  const headerProblems = checkHeader(header, chosen);
  if (headerProblems.length > 0) {
    parser.destroy();
    const p = headerProblems[0]!;
    throw new ImportFileError(`${basename(path)} line ${first.line}, header "${p.field}": ${p.reason}`);
  }
  return {
    unit: 'line',
    encoding: chosen.encoding,
    header,
    records: records(iterator, header, chosen, path),
    async close() {
      parser.destroy();
    },
  };
}

async function* records(
  iterator: AsyncIterator<ParsedLine>,
  header: readonly string[],
  chosen: ChosenEncoding,
  path: string,
): AsyncGenerator<SourceRecord> {
  for (;;) {
    let parsed: ParsedLine | null;
    try {
      parsed = await next(iterator, path);
    } catch (err) {
      // Past a syntax error the rest of the file cannot be split into rows reliably.
      if (!(err instanceof CsvSyntaxError)) throw err;
      yield { line: err.line, fields: {}, problems: [{ field: '(row)', reason: err.message }] };
      return;
    }
    if (!parsed) return;
    const problems: FieldProblem[] = [];
    if (parsed.cells.length !== header.length) {
      problems.push({ field: '(row)', reason: `has ${parsed.cells.length} cells; the header has ${header.length}` });
    }
    const fields: Record<string, string> = {};
    header.forEach((name, i) => {
      const cell = parsed.cells[i] ?? '';
      fields[name] = cell;
      const problem = encodingProblem(cell, chosen);
      if (problem) problems.push({ field: name, reason: problem });
    });
    yield { line: parsed.line, fields, problems };
  }
}

class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

/** Next parsed line; a CSV syntax error (an unclosed quote) becomes a CsvSyntaxError with its line. */
async function next(iterator: AsyncIterator<ParsedLine>, path: string): Promise<ParsedLine | null> {
  try {
    const r = await iterator.next();
    return r.done ? null : r.value;
  } catch (err) {
    // Every csv-parse error is a CsvError, whatever its code (most start with CSV_, but not
    // INVALID_OPENING_QUOTE: a quote inside an unquoted field).
    const e = err as CsvError & { lines?: number };
    if (err instanceof CsvError || (typeof e.code === 'string' && /^(CSV_|INVALID_)/.test(e.code))) {
      throw new CsvSyntaxError(e.lines ?? 0, `malformed CSV in ${basename(path)}: ${e.message}`);
    }
    throw err;
  }
}

function checkHeader(header: readonly string[], chosen: ChosenEncoding): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    const problem = encodingProblem(name, chosen);
    if (problem) problems.push({ field: name, reason: problem });
    if (name === '') problems.push({ field: '(empty)', reason: 'a header cell is empty' });
    const key = name.toLowerCase();
    if (seen.has(key) && name !== '') problems.push({ field: name, reason: 'appears twice in the header' });
    seen.add(key);
  }
  return problems;
}
