/** Forward, backward and E-step passes of the HMM fit unrolled for K = 3 (same arithmetic as the generic ones). */
import type { FlatParams, Work } from "./hmm-fit-workspace.js";
import { logSumExp3, logSumExpAt } from "./hmm-log-sum-exp.js";

// ---- K = 3 (the regime detector's calm / normal / volatile) -----------------------------------
// The same arithmetic as the generic passes, unrolled, with the log-transition matrix and the
// previous step's messages in locals.

export function forward3(p: FlatParams, w: Work): number {
  const { t, logA, logB, logAlpha } = w;
  const a00 = logA[0]!;
  const a01 = logA[1]!;
  const a02 = logA[2]!;
  const a10 = logA[3]!;
  const a11 = logA[4]!;
  const a12 = logA[5]!;
  const a20 = logA[6]!;
  const a21 = logA[7]!;
  const a22 = logA[8]!;
  let p0 = Math.log(p.initial[0]!) + logB[0]!;
  let p1 = Math.log(p.initial[1]!) + logB[1]!;
  let p2 = Math.log(p.initial[2]!) + logB[2]!;
  logAlpha[0] = p0;
  logAlpha[1] = p1;
  logAlpha[2] = p2;
  for (let r = 3; r < 3 * t; r += 3) {
    const n0 = logSumExp3(p0 + a00, p1 + a10, p2 + a20) + logB[r]!;
    const n1 = logSumExp3(p0 + a01, p1 + a11, p2 + a21) + logB[r + 1]!;
    const n2 = logSumExp3(p0 + a02, p1 + a12, p2 + a22) + logB[r + 2]!;
    logAlpha[r] = n0;
    logAlpha[r + 1] = n1;
    logAlpha[r + 2] = n2;
    p0 = n0;
    p1 = n1;
    p2 = n2;
  }
  return logSumExpAt(logAlpha, (t - 1) * 3, 3);
}

export function backward3(w: Work): void {
  const { t, logA, logB, logBeta } = w;
  const a00 = logA[0]!;
  const a01 = logA[1]!;
  const a02 = logA[2]!;
  const a10 = logA[3]!;
  const a11 = logA[4]!;
  const a12 = logA[5]!;
  const a20 = logA[6]!;
  const a21 = logA[7]!;
  const a22 = logA[8]!;
  let n0 = 0;
  let n1 = 0;
  let n2 = 0;
  const last = (t - 1) * 3;
  logBeta[last] = 0;
  logBeta[last + 1] = 0;
  logBeta[last + 2] = 0;
  for (let r = last - 3; r >= 0; r -= 3) {
    const b0 = logB[r + 3]!;
    const b1 = logB[r + 4]!;
    const b2 = logB[r + 5]!;
    const c0 = logSumExp3(a00 + b0 + n0, a01 + b1 + n1, a02 + b2 + n2);
    const c1 = logSumExp3(a10 + b0 + n0, a11 + b1 + n1, a12 + b2 + n2);
    const c2 = logSumExp3(a20 + b0 + n0, a21 + b1 + n1, a22 + b2 + n2);
    logBeta[r] = c0;
    logBeta[r + 1] = c1;
    logBeta[r + 2] = c2;
    n0 = c0;
    n1 = c1;
    n2 = c2;
  }
}

export function accumulate3(w: Work, logLik: number): void {
  const { t, dim, obs, logA, logB, logAlpha, logBeta, gammaSum, xSum, x2Sum, xiSum, init } = w;
  const a00 = logA[0]!;
  const a01 = logA[1]!;
  const a02 = logA[2]!;
  const a10 = logA[3]!;
  const a11 = logA[4]!;
  const a12 = logA[5]!;
  const a20 = logA[6]!;
  const a21 = logA[7]!;
  const a22 = logA[8]!;
  let gs0 = 0;
  let gs1 = 0;
  let gs2 = 0;
  let x00 = 0;
  let x01 = 0;
  let x02 = 0;
  let x10 = 0;
  let x11 = 0;
  let x12 = 0;
  let x20 = 0;
  let x21 = 0;
  let x22 = 0;
  xSum.fill(0);
  x2Sum.fill(0);
  for (let s = 0; s < t; s++) {
    const r = s * 3;
    const la0 = logAlpha[r]!;
    const la1 = logAlpha[r + 1]!;
    const la2 = logAlpha[r + 2]!;
    const g0 = Math.exp(la0 + logBeta[r]! - logLik);
    const g1 = Math.exp(la1 + logBeta[r + 1]! - logLik);
    const g2 = Math.exp(la2 + logBeta[r + 2]! - logLik);
    if (s === 0) {
      init[0] = g0;
      init[1] = g1;
      init[2] = g2;
    }
    gs0 += g0;
    gs1 += g1;
    gs2 += g2;
    const xo = s * dim;
    for (let d = 0; d < dim; d++) {
      const x = obs[xo + d]!;
      xSum[d]! += g0 * x;
      x2Sum[d]! += g0 * x * x;
      xSum[dim + d]! += g1 * x;
      x2Sum[dim + d]! += g1 * x * x;
      xSum[2 * dim + d]! += g2 * x;
      x2Sum[2 * dim + d]! += g2 * x * x;
    }
    if (s < t - 1) {
      const b0 = logB[r + 3]!;
      const b1 = logB[r + 4]!;
      const b2 = logB[r + 5]!;
      const n0 = logBeta[r + 3]!;
      const n1 = logBeta[r + 4]!;
      const n2 = logBeta[r + 5]!;
      const e0 = la0 - logLik;
      x00 += Math.exp(e0 + a00 + b0 + n0);
      x01 += Math.exp(e0 + a01 + b1 + n1);
      x02 += Math.exp(e0 + a02 + b2 + n2);
      const e1 = la1 - logLik;
      x10 += Math.exp(e1 + a10 + b0 + n0);
      x11 += Math.exp(e1 + a11 + b1 + n1);
      x12 += Math.exp(e1 + a12 + b2 + n2);
      const e2 = la2 - logLik;
      x20 += Math.exp(e2 + a20 + b0 + n0);
      x21 += Math.exp(e2 + a21 + b1 + n1);
      x22 += Math.exp(e2 + a22 + b2 + n2);
    }
  }
  gammaSum[0] = gs0;
  gammaSum[1] = gs1;
  gammaSum[2] = gs2;
  xiSum[0] = x00;
  xiSum[1] = x01;
  xiSum[2] = x02;
  xiSum[3] = x10;
  xiSum[4] = x11;
  xiSum[5] = x12;
  xiSum[6] = x20;
  xiSum[7] = x21;
  xiSum[8] = x22;
}
