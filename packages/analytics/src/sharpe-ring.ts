/** The bucket ring of SharpeTracker as plain buffers: its last returns, window inputs and checkpoint encoding. */
import { type EncodedNumber, encodeFloat64s, encodeNumber } from "./checkpoint.js";
import type { ResolvedSharpeOptions } from "./sharpe-options.js";
import { runLengths, type SharpeRingV2 } from "./sharpe-state.js";
import { effectiveLags, type WindowInput } from "./sharpe-window.js";
import { autocorrelations, momentsOf } from "./stats.js";

/** A tracker's ring: `cap` slots per buffer, the `size` newest buckets ending just before slot `head`. */
export interface SharpeRingBuffers {
  rets: Float64Array;
  startEq: Float64Array;
  endEq: Float64Array;
  head: number;
  size: number;
  cap: number;
}

/** Closed bucket returns of the last `n` buckets (oldest first), as fractions. */
export function ringLastReturns(ring: SharpeRingBuffers, n: number): Float64Array {
  const m = Math.min(n, ring.size);
  const out = new Float64Array(m);
  const start = (ring.head - m + ring.cap) % ring.cap;
  for (let i = 0; i < m; i++) out[i] = ring.rets[(start + i) % ring.cap]!;
  return out;
}

/** Input of `windowRecord` for the last `nBuckets` buckets of the ring (Lo lags up to `loMaxLags`). */
export function ringWindowInput(ring: SharpeRingBuffers, nBuckets: number, loMaxLags: number): WindowInput {
  const m = Math.min(nBuckets, ring.size);
  const start = (ring.head - m + ring.cap) % ring.cap;
  const rets = ringLastReturns(ring, m);
  let maxAbs: number | null = null;
  let maxFrac: number | null = null;
  if (m > 0) {
    let peak = ring.startEq[start]!;
    maxAbs = 0;
    maxFrac = 0;
    for (let i = 0; i < m; i++) {
      const e = ring.endEq[(start + i) % ring.cap]!;
      if (e > peak) peak = e;
      const dd = peak - e;
      if (dd > maxAbs) maxAbs = dd;
      if (maxFrac !== null) maxFrac = peak > 0 ? Math.max(maxFrac, dd / peak) : null;
    }
  }
  return {
    returns: rets,
    rhos: autocorrelations(rets, effectiveLags(m, loMaxLags)),
    moments: momentsOf(rets),
    maxDrawdownAbs: maxAbs,
    maxDrawdownFrac: maxFrac,
  };
}

/**
 * The ring as a version-2 state, or null when it cannot be rebuilt bit-exactly from bucket-end
 * equities (each bucket must start at the previous end, with its return recomputable).
 */
export function encodeRingV2(
  ring: SharpeRingBuffers,
  returnBasis: ResolvedSharpeOptions["returnBasis"],
  capitalBase: number | null,
): SharpeRingV2 | null {
  const start = (ring.head - ring.size + ring.cap) % ring.cap;
  const ends = new Float64Array(ring.size);
  let prevEnd = ring.size > 0 ? ring.startEq[start]! : Number.NaN;
  for (let i = 0; i < ring.size; i++) {
    const idx = (start + i) % ring.cap;
    const s0 = ring.startEq[idx]!;
    const e = ring.endEq[idx]!;
    const base = returnBasis === "starting_capital" ? capitalBase! : s0;
    const r = base !== 0 ? (e - s0) / base : 0;
    if (!Object.is(s0, prevEnd) || !Object.is(r, ring.rets[idx]!)) return null;
    ends[i] = e;
    prevEnd = e;
  }
  const { values, runs } = runLengths(ends);
  return {
    buckets: ring.size,
    firstStartEquity: ring.size > 0 ? encodeNumber(ring.startEq[start]!) : null,
    endEquity: encodeFloat64s(values),
    endEquityRuns: runs.length === ring.size ? [] : runs,
  };
}

/** The ring verbatim, oldest bucket first (the version-1 layout): returns, start and end equities. */
export function encodeRingV1(ring: SharpeRingBuffers): {
  returns: EncodedNumber[];
  startEquity: EncodedNumber[];
  endEquity: EncodedNumber[];
} {
  const start = (ring.head - ring.size + ring.cap) % ring.cap;
  const chrono = (buf: Float64Array): EncodedNumber[] => {
    const out: EncodedNumber[] = [];
    for (let i = 0; i < ring.size; i++) out.push(encodeNumber(buf[(start + i) % ring.cap]!));
    return out;
  };
  return { returns: chrono(ring.rets), startEquity: chrono(ring.startEq), endEquity: chrono(ring.endEq) };
}
