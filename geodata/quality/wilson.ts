/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998, method 3):
 * unlike the normal approximation it stays inside [0, 1] and is honest at 0 of n, which is
 * what a sampling check with few errors usually finds.
 *
 * @example wilsonInterval(15, 148) // ≈ [0.0624, 0.1605] (Newcombe 1998, table I)
 */
export function wilsonInterval(successes: number, n: number, z = 1.959963984540054): readonly [number, number] {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || n < 0 || successes < 0 || successes > n) {
    throw new RangeError(`wilsonInterval needs 0 <= successes <= n, whole numbers (got ${successes} of ${n})`);
  }
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denominator = 1 + z2 / n;
  return [Math.max(0, (centre - margin) / denominator), Math.min(1, (centre + margin) / denominator)];
}
