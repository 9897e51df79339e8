import { REGION_PREFIX } from '../model/api/auth.ts';

/**
 * A request's region scope: '*' for national accounts, otherwise the division-code prefix
 * the account is bound to (44 Guangdong, 4403 Shenzhen, 440305 Nanshan). Row-level security
 * (migration 007) reads it from the transaction setting yzt.scope.
 */
export type Scope = string;

export const NATIONAL: Scope = '*';
export { REGION_PREFIX };

/** The scope of an account's region column (NULL: national). */
export function scopeOfRegion(region: string | null | undefined): Scope {
  if (region === null || region === undefined || region === '') return NATIONAL;
  if (!REGION_PREFIX.test(region)) throw new Error(`region "${region}" must be a division-code prefix of 2-12 digits`);
  return region;
}

export function isNational(scope: Scope): boolean {
  return scope === NATIONAL;
}

/**
 * The division prefix a request may ask for inside its scope: the narrower of the two when one
 * contains the other, or null when they do not overlap (the answer is then empty).
 */
export function narrowDivision(scope: Scope, requested: string | null): { division: string | null; empty: boolean } {
  if (isNational(scope)) return { division: requested, empty: false };
  if (requested === null || requested.startsWith(scope)) return { division: requested ?? scope, empty: false };
  if (scope.startsWith(requested)) return { division: scope, empty: false };
  return { division: scope, empty: true };
}
