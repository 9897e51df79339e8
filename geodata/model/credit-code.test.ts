import { describe, expect, it } from 'vitest';
import { CREDIT_CODE_CHARS, creditCodeCheckChar, creditCodeProblem, isValidCreditCode, normalizeCreditCode, organizationCodeCheckChar } from './credit-code.ts';

/** Published codes: Tencent, Sinopec, Alibaba, Huawei, BYD, Tesla Shanghai, Xiaomi, ZTE. */
const REAL = ['9144030071526726XG', '91110000802100433B', '91330100799655058B', '914403001922038216', '91440300192317458F', '91310000MA1FL1MMXL', '91110108551385082Q', '91440300708461136T'];

describe('unified social credit codes (GB 32100-2015)', () => {
  it('accepts published codes and computes their check character', () => {
    // Published codes of well-known companies.
    for (const code of REAL) {
      expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code[17]);
      expect(isValidCreditCode(code)).toBe(true);
    }
  });

  it('rejects a changed character, a wrong length and forbidden letters', () => {
    expect(isValidCreditCode('9144030071526726XH')).toBe(false);
    expect(isValidCreditCode('9144030071526726X')).toBe(false);
    expect(isValidCreditCode('9144030071526726XGO')).toBe(false);
    expect(() => creditCodeCheckChar('91440300715267I6X')).toThrow(/position 15/);
  });

  it('computes the organisation code check character (GB 11714)', () => {
    expect(organizationCodeCheckChar('71526726')).toBe('X');
    expect(organizationCodeCheckChar('80210043')).toBe('3');
  });

  it('finds no problem in the published codes, and every one-character change and every swap of two neighbours in them', () => {
    for (const code of REAL) {
      expect(creditCodeProblem(code), code).toBeNull();
      let mutated = 0;
      for (let i = 0; i < 18; i++) {
        const chars = i >= 2 && i < 8 ? '0123456789' : CREDIT_CODE_CHARS;
        for (const c of chars) {
          if (c === code[i]) continue;
          const changed = code.slice(0, i) + c + code.slice(i + 1);
          const problem = creditCodeProblem(changed);
          expect(problem, changed).not.toBeNull();
          // A changed body character is caught by the check character; a changed check character too.
          expect(problem!.expected).toBe(creditCodeCheckChar(changed.slice(0, 17)));
          expect(problem!.reason).toMatch(/check character .* call for .*GB 32100-2015/);
          mutated++;
        }
      }
      expect(mutated).toBe(12 * 30 + 6 * 9);
      for (let i = 0; i < 17; i++) {
        if (code[i] === code[i + 1]) continue;
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        if (creditCodeProblem(swapped)?.expected === null) continue; // a letter moved into the digits 3-8: a shape problem
        expect(creditCodeProblem(swapped), swapped).not.toBeNull();
      }
    }
  });

  it('names the position of a forbidden character and a wrong length, with no expected character', () => {
    expect(creditCodeProblem('91440300715267I6XG')).toMatchObject({ expected: null, reason: expect.stringMatching(/"I" at position 15.*without I, O, S, V, Z/) });
    expect(creditCodeProblem('9144A30071526726XG')).toMatchObject({ expected: null, reason: expect.stringMatching(/"A" at position 5, which must be a digit/) });
    expect(creditCodeProblem('9144030071526726X')).toMatchObject({ expected: null, reason: expect.stringMatching(/17 characters; .* 18/) });
  });

  it('reads codes as people type them: full-width, lower case, spaced', () => {
    expect(normalizeCreditCode('９１４４０３００７１５２６７２６ｘｇ')).toBe('9144030071526726XG');
    expect(normalizeCreditCode(' 91440300 7152 6726xg ')).toBe('9144030071526726XG');
    expect(creditCodeProblem(normalizeCreditCode('9144-0300-7152-6726-xg'))).toBeNull();
  });
});
