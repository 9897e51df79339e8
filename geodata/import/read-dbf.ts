import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeBytes, encodingProblem, type ChosenEncoding } from './decode-text.ts';
import { ImportFileError, type FieldProblem } from './types.ts';

export interface DbfRecord {
  readonly values: Record<string, unknown>;
  readonly problems: readonly FieldProblem[];
  /** Marked deleted in the table; its shape still occupies a place in the .shp. */
  readonly deleted: boolean;
}

interface DbfField {
  readonly name: string;
  readonly type: string;
  readonly offset: number;
  readonly length: number;
}

const CHUNK_RECORDS = 1024;

/**
 * Reads a dBASE table record by record. The shapefile package decodes attribute text with a
 * TextDecoder and so loses the bytes; reading them here lets a wrong encoding be caught per
 * field and record instead of being stored as mojibake.
 */
export async function* readDbf(path: string, chosen: ChosenEncoding): AsyncGenerator<DbfRecord> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(32);
    await file.read(head, 0, 32, 0);
    const count = head.readUInt32LE(4);
    const headerLength = head.readUInt16LE(8);
    const recordLength = head.readUInt16LE(10);
    const descriptors = Buffer.alloc(headerLength - 32);
    await file.read(descriptors, 0, descriptors.length, 32);
    const fields = parseFields(descriptors, chosen, path);
    const chunk = Buffer.alloc(recordLength * CHUNK_RECORDS);
    for (let start = 0; start < count; start += CHUNK_RECORDS) {
      const n = Math.min(CHUNK_RECORDS, count - start);
      const { bytesRead } = await file.read(chunk, 0, n * recordLength, headerLength + start * recordLength);
      if (bytesRead < n * recordLength) {
        throw new ImportFileError(`${basename(path)} ends early: header promises ${count} records, the file holds ${start + Math.floor(bytesRead / recordLength)}`);
      }
      for (let i = 0; i < n; i++) yield decodeRecord(chunk.subarray(i * recordLength, (i + 1) * recordLength), fields, chosen);
    }
  } finally {
    await file.close();
  }
}

function parseFields(descriptors: Buffer, chosen: ChosenEncoding, path: string): DbfField[] {
  const fields: DbfField[] = [];
  let offset = 1; // byte 0 of a record is the deletion flag
  for (let at = 0; at + 32 <= descriptors.length && descriptors[at] !== 0x0d; at += 32) {
    const raw = descriptors.subarray(at, at + 11);
    const end = raw.indexOf(0);
    const name = decodeBytes(end === -1 ? raw : raw.subarray(0, end), chosen.encoding).trim();
    const problem = encodingProblem(name, chosen);
    if (problem) throw new ImportFileError(`${basename(path)} field name "${name}": ${problem}`);
    const length = descriptors[at + 16]!;
    fields.push({ name, type: String.fromCharCode(descriptors[at + 11]!), offset, length });
    offset += length;
  }
  return fields;
}

function decodeRecord(bytes: Buffer, fields: readonly DbfField[], chosen: ChosenEncoding): DbfRecord {
  const values: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const field of fields) {
    const raw = bytes.subarray(field.offset, field.offset + field.length);
    switch (field.type) {
      case 'N':
      case 'F': {
        const text = raw.toString('latin1').trim();
        values[field.name] = text === '' || /^\*+$/.test(text) ? null : Number.isFinite(Number(text)) ? Number(text) : text;
        break;
      }
      case 'L': {
        const c = raw.toString('latin1').trim().toUpperCase();
        values[field.name] = 'TY'.includes(c) && c !== '' ? true : 'FN'.includes(c) && c !== '' ? false : null;
        break;
      }
      case 'D': {
        const t = raw.toString('latin1').trim();
        values[field.name] = /^\d{8}$/.test(t) ? `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}` : null;
        break;
      }
      default: {
        // Text is padded with spaces (some writers use NULs).
        let end = raw.length;
        while (end > 0 && (raw[end - 1] === 0x20 || raw[end - 1] === 0)) end--;
        const text = decodeBytes(raw.subarray(0, end), chosen.encoding);
        const problem = encodingProblem(text, chosen);
        if (problem) problems.push({ field: field.name, reason: problem });
        values[field.name] = text;
      }
    }
  }
  return { values, problems, deleted: bytes[0] === 0x2a };
}
