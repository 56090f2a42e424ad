/** Initial parameters of each EM restart: quantile split (restart 0) or seeded random draws (the others). */
import type { Rng } from "@mmkit/core";
import type { GaussianHmmParams } from "./hmm.js";

export function initialParams(
  obs: readonly (readonly number[])[],
  k: number,
  restart: number,
  rng: Rng,
  globalVar: number[],
  varFloor: number[],
  volFeature: number,
): GaussianHmmParams {
  const t = obs.length;
  const dim = obs[0]!.length;
  let centers: number[][];
  if (restart === 0) {
    // Deterministic: split the data by quantiles of the volatility feature and average each slice.
    const idx = Array.from({ length: t }, (_, i) => i).sort(
      (a, b) => obs[a]![volFeature]! - obs[b]![volFeature]!,
    );
    centers = [];
    for (let j = 0; j < k; j++) {
      const lo = Math.floor((j * t) / k);
      const hi = Math.max(lo + 1, Math.floor(((j + 1) * t) / k));
      const c = new Array<number>(dim).fill(0);
      for (let q = lo; q < hi; q++) for (let d = 0; d < dim; d++) c[d]! += obs[idx[q]!]![d]! / (hi - lo);
      centers.push(c);
    }
  } else {
    centers = Array.from({ length: k }, () => [...obs[rng.int(t)]!]);
  }
  const stay = restart === 0 ? 0.9 : 0.6 + 0.35 * rng.next();
  const transition = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => (k === 1 ? 1 : i === j ? stay : (1 - stay) / (k - 1))),
  );
  const scale = restart === 0 ? 1 / k : 0.5 + rng.next();
  return {
    initial: new Array<number>(k).fill(1 / k),
    transition,
    means: centers,
    variances: Array.from({ length: k }, () => globalVar.map((v, d) => Math.max(varFloor[d]!, v * scale))),
  };
}
