/**
 * SQL for a load decayed along the river, load · exp(−k · d_km), that every allowed rate can
 * take. PostgreSQL's exp() raises "value out of range: underflow" once its result falls below
 * the smallest double (about e^−745): at the documented maximum of 10 per km that is any source
 * more than 74.5 km up. Past e^−700 (≈ 1e−304 of the load) the delivered load is taken as 0.
 */
export function decayedLoadSql(load: string, ratePerKm: string, distanceM: string): string {
  return `${load} * CASE WHEN ${ratePerKm} * (${distanceM}) / 1000 > 700 THEN 0 ELSE exp(-${ratePerKm} * (${distanceM}) / 1000) END`;
}
