/** Log-sum-exp of a typed-array slice and of three scalars, in the operation order the HMM fit relies on. */

/** `logSumExp` of `v[from..from+n)`: max, Σ exp(v − max) in index order, max + ln Σ. */
export function logSumExpAt(v: Float64Array, from: number, n: number): number {
  let m = Number.NEGATIVE_INFINITY;
  let im = -1;
  for (let i = from; i < from + n; i++) {
    if (v[i]! > m) {
      m = v[i]!;
      im = i;
    }
  }
  if (m === Number.NEGATIVE_INFINITY) return m;
  if (m === Number.POSITIVE_INFINITY) im = -1; // exp(∞ − ∞) is NaN, not 1
  let s = 0;
  for (let i = from; i < from + n; i++) s += i === im ? 1 : Math.exp(v[i]! - m);
  return m + Math.log(s);
}

/** `logSumExp` of three terms (same arithmetic as `logSumExpAt`). */
export function logSumExp3(v0: number, v1: number, v2: number): number {
  let m = Number.NEGATIVE_INFINITY;
  let im = -1;
  if (v0 > m) {
    m = v0;
    im = 0;
  }
  if (v1 > m) {
    m = v1;
    im = 1;
  }
  if (v2 > m) {
    m = v2;
    im = 2;
  }
  if (m === Number.NEGATIVE_INFINITY) return m;
  if (m === Number.POSITIVE_INFINITY) im = -1; // exp(∞ − ∞) is NaN, not 1
  const e0 = im === 0 ? 1 : Math.exp(v0 - m);
  const e1 = im === 1 ? 1 : Math.exp(v1 - m);
  const e2 = im === 2 ? 1 : Math.exp(v2 - m);
  return m + Math.log(0 + e0 + e1 + e2);
}
