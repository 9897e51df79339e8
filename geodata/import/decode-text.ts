import { createReadStream, existsSync, readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import iconv from 'iconv-lite';
import { ImportFileError, type TextEncoding } from './types.ts';

/** Where the encoding in use came from, so an error can say which claim was wrong. */
export type EncodingOrigin = 'given' | 'cpg' | 'detected';

export interface ChosenEncoding {
  readonly encoding: TextEncoding;
  readonly origin: EncodingOrigin;
  /** For messages: "--encoding gbk", "roads.cpg". */
  readonly source: string;
}

/** Accepts the usual spellings (UTF-8, utf8, GBK, CP936, 936, GB2312, GB18030); throws on others. */
export function normalizeEncoding(name: string, source = 'encoding'): TextEncoding {
  const n = name.trim().toLowerCase().replace(/[\s_]/g, '');
  if (n === 'utf8' || n === 'utf-8') return 'utf8';
  // GB2312 is a subset of GBK; files labelled GB2312 routinely contain GBK-only characters.
  if (['gbk', 'cp936', '936', 'gb2312', 'euc-cn', 'windows-936', 'ansi936'].includes(n)) return 'gbk';
  if (n === 'gb18030') return 'gb18030';
  throw new ImportFileError(`${source} "${name}" is not supported; use utf8, gbk or gb18030`);
}

/**
 * The encoding to read a text file (or DBF) with: the one given, else the .cpg's, else UTF-8
 * when the bytes are valid UTF-8 and GBK otherwise. Detection reads the file once, as a stream.
 */
export async function chooseEncoding(
  path: string,
  given: string | undefined,
  cpgPath?: string,
  textStart = 0,
): Promise<ChosenEncoding> {
  if (given) return { encoding: normalizeEncoding(given), origin: 'given', source: `the given encoding "${given}"` };
  if (cpgPath && existsSync(cpgPath)) {
    const text = readFileSync(cpgPath, 'latin1').trim();
    return { encoding: normalizeEncoding(text, `code page file ${baseName(cpgPath)}`), origin: 'cpg', source: baseName(cpgPath) };
  }
  const utf8 = await isValidUtf8File(path, textStart);
  return { encoding: utf8 ? 'utf8' : 'gbk', origin: 'detected', source: 'the detected encoding' };
}

/**
 * Streams the file (from byte `start`, past a binary header) through a fatal UTF-8 decoder;
 * false at the first invalid sequence.
 */
export async function isValidUtf8File(path: string, start = 0): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { start })) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return true;
  } catch (err) {
    if (err instanceof TypeError) return false;
    throw err;
  }
}

/** The file as a stream of decoded text, byte-order mark removed. */
export function openTextStream(path: string, encoding: TextEncoding): Readable {
  const file = createReadStream(path);
  const text = file.pipe(iconv.decodeStream(encoding, { stripBOM: true }) as unknown as Writable & Readable) as Readable;
  // pipe() does not pass a destroy upstream; an import that stops early must still close the file.
  text.on('close', () => file.destroy());
  return text;
}

export function decodeBytes(bytes: Uint8Array, encoding: TextEncoding): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
}

/**
 * Why decoded text shows the encoding was wrong, or null. A replacement character means the
 * bytes were not valid in that encoding. Text read as GBK whose bytes are valid UTF-8 that
 * spells Chinese was UTF-8 read as GBK; short GBK strings can be valid UTF-8 by chance
 * (农业源 is), but then they spell Latin or Cyrillic letters, not Chinese. A detected GBK
 * needs no such check: the file as a whole was already found not to be UTF-8.
 */
export function encodingProblem(text: string, chosen: ChosenEncoding): string | null {
  if (!/[^\x00-\x7f]/.test(text)) return null;
  if (text.includes('\ufffd')) {
    const hint = chosen.origin === 'detected' ? 'it is neither UTF-8 nor GBK' : chosen.encoding === 'utf8' ? 'it may be GBK' : 'it may be UTF-8';
    return `text is not valid ${label(chosen.encoding)} (${chosen.source}); ${hint}`;
  }
  if (chosen.encoding !== 'utf8' && chosen.origin !== 'detected' && spellsChineseAsUtf8(iconv.encode(text, chosen.encoding))) {
    return `text is UTF-8, not ${label(chosen.encoding)} (${chosen.source}): it would be stored as mojibake "${text.slice(0, 20)}"`;
  }
  return null;
}

function spellsChineseAsUtf8(bytes: Uint8Array): boolean {
  try {
    return /[\u3000-\u9fff\uff00-\uffef]/.test(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return false;
  }
}

function label(encoding: TextEncoding): string {
  return encoding === 'utf8' ? 'UTF-8' : encoding.toUpperCase();
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
