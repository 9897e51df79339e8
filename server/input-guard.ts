import express, { type RequestHandler } from 'express';
import { invalidInput, type FieldProblem } from './http-errors.ts';

/**
 * The one place that refuses text PostgreSQL cannot take, before any route or query sees it:
 * a NUL character (text columns and parameters cannot hold U+0000: "invalid byte sequence for
 * encoding UTF8: 0x00", a 500 on 50 routes before this guard), an unpaired UTF-16 surrogate
 * (JSON escapes such as "\ud800" are not UTF-8 at all) and text longer than any field of the
 * product (route schemas bound each field tighter; this bounds the ones they do not). It
 * covers the query string, every path segment, JSON bodies (keys and values) and multipart
 * fields, and answers 400 naming the field.
 */
export const MAX_TEXT_CHARS = 10_000;

const NUL = /\u0000/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or null when it can. */
export function textProblem(text: string): string | null {
  if (NUL.test(text)) return 'contains a NUL character (U+0000), which PostgreSQL cannot store; remove it';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode text); send well-formed UTF-8';
  if (text.length > MAX_TEXT_CHARS) return `is ${text.length} characters long; at most ${MAX_TEXT_CHARS} are accepted`;
  return null;
}

/** The first string (or object key) in `value` that cannot be stored, with its path from `where`. */
export function findBadText(value: unknown, where: string, depth = 0): FieldProblem | null {
  if (typeof value === 'string') {
    const reason = textProblem(value);
    return reason ? { field: where, reason } : null;
  }
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBadText(value[i], `${where}.${i}`, depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyReason = textProblem(key);
    if (keyReason) return { field: `${where} key ${JSON.stringify(key.slice(0, 40))}`, reason: keyReason };
    const bad = findBadText(item, `${where}.${key}`, depth + 1);
    if (bad) return bad;
  }
  return null;
}

/** Throws the 400 when anything in `value` cannot be stored. */
export function refuseBadText(value: unknown, where: string): void {
  const bad = findBadText(value, where);
  if (bad) throw invalidInput([bad]);
}

/**
 * App-level: the query string and the decoded path segments of every request, tiles included
 * (their filters reach SQL as parameters too). Segments are named by position, since which
 * route parameter a segment becomes is decided later.
 */
export const guardQueryAndPath: RequestHandler = (req, _res, next) => {
  try {
    refuseBadText(req.query, 'query');
    const segments = req.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segments[i]!);
      } catch {
        throw invalidInput([{ field: `path segment ${i}`, reason: `"${segments[i]!.slice(0, 60)}" is not valid percent-encoded UTF-8` }]);
      }
      const reason = textProblem(decoded);
      if (reason) throw invalidInput([{ field: `path segment ${i} (${JSON.stringify(decoded.slice(0, 40))})`, reason }]);
    }
    next();
  } catch (err) {
    next(err);
  }
};

/** express.json with the guard applied to what it parsed: every JSON body of the API comes through here. */
export function jsonBody(limit: string): RequestHandler[] {
  return [
    express.json({ limit }),
    (req, _res, next) => {
      try {
        refuseBadText(req.body, 'body');
        next();
      } catch (err) {
        next(err);
      }
    },
  ];
}
