/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters, the last a check
 * character over the first 17. Characters come from 0-9 and the capitals without I, O, S, V, Z.
 */

export const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character for the first 17 characters of a code. */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new Error(`credit code body must have 17 characters, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARS.indexOf(first17[i]!);
    if (value < 0) throw new Error(`credit code character "${first17[i]}" at position ${i + 1} is not allowed`);
    sum += value * WEIGHTS[i]!;
  }
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31]!;
}

/** Whether a string is a well-formed credit code whose check character matches. */
export function isValidCreditCode(code: string): boolean {
  return SHAPE.test(code) && creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

/**
 * The check character of a 9-character organisation code (GB 11714), which forms positions
 * 9–17 of a credit code: 8 body characters, then this one.
 */
export function organizationCodeCheckChar(body8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i]!, 36) * weights[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** What is wrong with an entered credit code, for the import report and the review finding. */
export interface CreditCodeProblem {
  /** The code as checked (NFKC, upper case, spaces removed). */
  readonly code: string;
  /** The check character the first 17 characters call for; null when the code is not shaped like one. */
  readonly expected: string | null;
  readonly reason: string;
}

/**
 * An entered credit code as stored and checked: full-width characters made half-width (NFKC),
 * upper case, spaces and hyphens removed. Empty stays empty.
 */
export function normalizeCreditCode(entered: string): string {
  return entered.normalize('NFKC').toUpperCase().replace(/[\s\-]/g, '');
}

/**
 * Checks a (normalised) credit code: null when it is well-formed with the right check
 * character, otherwise what is wrong. Never throws, so an import can store the code and leave
 * the finding to the review (check credit_code_invalid).
 */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== 18) return { code, expected: null, reason: `"${code}" has ${code.length} characters; a unified social credit code has 18 (GB 32100-2015)` };
  const bad = [...code].findIndex((c, i) => (i >= 2 && i < 8 ? !/[0-9]/.test(c) : !CREDIT_CODE_CHARS.includes(c)));
  if (bad >= 0 || !SHAPE.test(code)) {
    const i = Math.max(bad, 0);
    const allowed = i >= 2 && i < 8 ? 'a digit (characters 3-8 are the division code)' : 'one of 0-9 and the capitals without I, O, S, V, Z';
    return { code, expected: null, reason: `"${code}" has "${code[i]}" at position ${i + 1}, which must be ${allowed} (GB 32100-2015)` };
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (expected === code[17]) return null;
  return { code, expected, reason: `"${code}" ends in check character ${code[17]}, but its first 17 characters call for ${expected} (GB 32100-2015): a character is mistyped` };
}
