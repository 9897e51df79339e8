import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, isValidCreditCode, organizationCodeCheckChar } from './credit-code.ts';

describe('unified social credit codes (GB 32100-2015)', () => {
  it('accepts published codes and computes their check character', () => {
    // Published codes of well-known companies.
    for (const code of ['9144030071526726XG', '91110000802100433B', '91330100799655058B']) {
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
});
