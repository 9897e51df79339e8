import { creditCodeProblem, normalizeCreditCode } from '../model/credit-code.ts';
import type { Row } from '../model/layers.ts';
import { MAX_REPORTED_ERRORS, type CreditCodeToReview, type FieldProblem } from './types.ts';

/**
 * The credit-code check of a source import (issue 14, item 5): every code is read as people
 * type it (full-width, lower case, spaces and hyphens: normalised) and checked against its
 * GB 32100-2015 check character. A wrong check character is not a refusal, since the unit is
 * real and its code is the census's to correct: the row is stored, the import report lists
 * it, and the review run raises `credit_code_invalid` for it (geodata/quality/screening.sql).
 * Only a value that is not shaped like a code at all (length, forbidden letters: the column's
 * CHECK in 001_census_model.sql) is refused, naming what is wrong.
 */
export class CreditCodeReview {
  private count = 0;
  private readonly first: CreditCodeToReview[] = [];

  /**
   * Normalises `row.credit_code` in place; notes it when its check character fails, and
   * answers the refusal when it is not shaped like a code. `field` is the file's name for it.
   */
  check(row: Row, line: number, at: string, field: string): FieldProblem | null {
    const entered = row.credit_code;
    if (typeof entered !== 'string') return null;
    const code = normalizeCreditCode(entered);
    row.credit_code = code === '' ? null : code;
    if (code === '') return null;
    const problem = creditCodeProblem(code);
    if (!problem) return null;
    if (problem.expected === null) return { field, reason: `${problem.reason}; correct it or leave the cell empty` };
    this.count++;
    if (this.first.length < MAX_REPORTED_ERRORS) {
      this.first.push({
        line, at, creditCode: code, expected: problem.expected, reason: problem.reason,
        message: `${at}, ${field}: ${problem.reason}; stored, and listed by the review (credit_code_invalid)`,
      });
    }
    return null;
  }

  /** How many codes failed their check character, and the first of them. */
  summary(failed: boolean): { readonly count: number; readonly first: readonly CreditCodeToReview[] } {
    return failed ? { count: 0, first: [] } : { count: this.count, first: this.first };
  }
}
