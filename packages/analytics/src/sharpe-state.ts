/**
 * Checkpoint format of {@link SharpeTracker}: its state type, the encoded options it was built with,
 * and the validating decoder used by `SharpeTracker.setState`.
 */
import {
  type EncodedNumber,
  encodeNumber,
  readArray,
  readFloat64s,
  readInt,
  readNullableNumber,
  readNumber,
  readNumberArray,
  readRecord,
  readString,
} from "./checkpoint.js";
import { DrawdownTracker, type DrawdownTrackerState } from "./drawdown.js";
import { LoGmmSums, type LoGmmSumsState } from "./lo-gmm.js";
import type { ResolvedSharpeOptions } from "./sharpe-options.js";
import { RunningMoments, type RunningMomentsState } from "./stats.js";

/** The options a {@link SharpeTrackerState} was written with (checked on restore). */
export interface SharpeTrackerConfigState {
  bucketMs: EncodedNumber;
  returnBasis: "starting_capital" | "bucket_start_equity";
  /** The `capitalBase` OPTION (null = taken from the first equity sample). */
  capitalBase: EncodedNumber | null;
  windows: { label: string; secs: EncodedNumber }[];
  loMaxLags: number;
}

/** Encode resolved Sharpe options as a checkpoint config. */
export function encodeSharpeConfig(cfg: ResolvedSharpeOptions): SharpeTrackerConfigState {
  return {
    bucketMs: encodeNumber(cfg.bucketMs),
    returnBasis: cfg.returnBasis,
    capitalBase: cfg.capitalBase === null ? null : encodeNumber(cfg.capitalBase),
    windows: cfg.windows.map((w) => ({ label: w.label, secs: encodeNumber(w.secs) })),
    loMaxLags: cfg.loMaxLags,
  };
}

/** Decode (and validate) a checkpoint config back into tracker options. */
export function decodeSharpeConfig(v: unknown, where: string): ResolvedSharpeOptions {
  const r = readRecord(v, where);
  const returnBasis = readString(r, "returnBasis", where);
  if (returnBasis !== "starting_capital" && returnBasis !== "bucket_start_equity") {
    throw new Error(`${where}.returnBasis: expected "starting_capital" or "bucket_start_equity"`);
  }
  return {
    bucketMs: readNumber(r, "bucketMs", where),
    returnBasis,
    capitalBase: readNullableNumber(r, "capitalBase", where),
    windows: readArray(r, "windows", where).map((w, i) => {
      const wr = readRecord(w, `${where}.windows[${i}]`);
      return {
        label: readString(wr, "label", `${where}.windows[${i}]`),
        secs: readNumber(wr, "secs", where),
      };
    }),
    loMaxLags: readInt(r, "loMaxLags", where, 1),
  };
}

/**
 * Checkpoint of a {@link SharpeTracker}: version 2 (written) or version 1 (still read).
 */
export type SharpeTrackerState = SharpeTrackerStateV1 | SharpeTrackerStateV2;

/**
 * Version-1 checkpoint of a {@link SharpeTracker}. Ring-buffer contents are stored oldest first and only for
 * the filled slots (`returns.length = startEquity.length = endEquity.length ≤` the ring capacity).
 */
export interface SharpeTrackerStateV1 {
  version: 1;
  config: SharpeTrackerConfigState;
  /** Capital base in use (null until the first sample when not given as an option). */
  capitalBase: EncodedNumber | null;
  returns: EncodedNumber[];
  startEquity: EncodedNumber[];
  endEquity: EncodedNumber[];
  curBucket: EncodedNumber | null;
  bucketStartEquity: EncodedNumber;
  lastEquity: EncodedNumber;
  firstTsMs: EncodedNumber | null;
  lastTsMs: EncodedNumber;
  all: RunningMomentsState;
  allDrawdown: DrawdownTrackerState;
  /** First min(n, loMaxLags) bucket returns since start. */
  firstReturns: EncodedNumber[];
  /** Lag products Σ r_t r_{t−k}, index k = 0..loMaxLags. */
  lagProducts: EncodedNumber[];
  sumAll: EncodedNumber;
  fillPnl: RunningMomentsState;
  outOfOrder: number;
  /** Whole buckets left out as unobserved (optional: absent in checkpoints written before pauses; 0). */
  unobservedBuckets?: number;
  /** Time of the pause in force, or null (optional: absent = not paused). */
  pausedAtMs?: EncodedNumber | null;
  /**
   * Sums behind Lo's GMM SE of the "all" window (optional: checkpoints written before it lack them;
   * restoring one rebuilds them from the ring while it holds every return, else the "all" GMM
   * fields are null for the rest of that run).
   */
  gmm?: LoGmmSumsState;
}

/**
 * Version-2 checkpoint of a {@link SharpeTracker}. The ring keeps only what cannot be recomputed:
 * every held bucket starts where the previous one ended and its return is (end − start) / base, so
 * the ring is stored as the start equity of the oldest held bucket plus the bucket-end equities,
 * oldest first, run-length coded (`endEquity` = base64 float64 run values, `endEquityRuns` = run
 * lengths, or `[]` when every run has length 1). Size: ≤ 8 bytes·(ring capacity + 1) in base64.
 */
export interface SharpeTrackerStateV2
  extends Omit<SharpeTrackerStateV1, "version" | "returns" | "startEquity" | "endEquity"> {
  version: 2;
  /** Closed buckets held in the ring. */
  buckets: number;
  /** Equity at the start of the oldest held bucket (null when the ring is empty; "NaN" in older checkpoints). */
  firstStartEquity: EncodedNumber | null;
  /** Distinct consecutive bucket-end equities (base64 of little-endian float64). */
  endEquity: string;
  /** Length of each run of `endEquity` (empty: every run has length 1). */
  endEquityRuns: number[];
}

/** Ring contents written in a version-2 state (see {@link SharpeTrackerStateV2}). */
export interface SharpeRingV2 {
  buckets: number;
  firstStartEquity: EncodedNumber | null;
  endEquity: string;
  endEquityRuns: number[];
}

/** Run-length code `xs` (bit-exact equality, so NaN and −0 are kept apart from other values). */
export function runLengths(xs: ArrayLike<number>): { values: number[]; runs: number[] } {
  const values: number[] = [];
  const runs: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (values.length > 0 && Object.is(values[values.length - 1], x)) runs[runs.length - 1]! += 1;
    else {
      values.push(x);
      runs.push(1);
    }
  }
  return { values, runs };
}

/** Expand a version-2 ring back to the bucket-end equities (validated; throws naming the field). */
function readEndEquities(r: Record<string, unknown>, where: string, buckets: number): number[] {
  const values = readFloat64s(r, "endEquity", where);
  const runs = readArray(r, "endEquityRuns", where);
  const out: number[] = [];
  if (runs.length === 0) {
    if (values.length !== buckets) {
      throw new Error(`${where}.endEquity: expected ${buckets} values, got ${values.length}`);
    }
    for (let i = 0; i < values.length; i++) out.push(values[i]!);
    return out;
  }
  if (runs.length !== values.length) {
    throw new Error(`${where}.endEquityRuns: expected ${values.length} run lengths, got ${runs.length}`);
  }
  for (let i = 0; i < runs.length; i++) {
    const k = runs[i];
    if (typeof k !== "number" || !Number.isSafeInteger(k) || k < 1 || out.length + k > buckets) {
      throw new Error(
        `${where}.endEquityRuns[${i}]: expected an integer >= 1 within ${buckets} buckets, got ${String(k)}`,
      );
    }
    for (let j = 0; j < k; j++) out.push(values[i]!);
  }
  if (out.length !== buckets) {
    throw new Error(`${where}.endEquityRuns: runs cover ${out.length} buckets, expected ${buckets}`);
  }
  return out;
}

/** A validated, decoded {@link SharpeTrackerState} (floats as numbers, helpers rebuilt). */
export interface DecodedSharpeTrackerState {
  capitalBase: number | null;
  returns: number[];
  startEquity: number[];
  endEquity: number[];
  curBucket: number | null;
  bucketStartEquity: number;
  lastEquity: number;
  firstTsMs: number | null;
  lastTsMs: number;
  all: RunningMoments;
  allDrawdown: DrawdownTracker;
  firstReturns: number[];
  lagProducts: number[];
  sumAll: number;
  fillPnl: RunningMoments;
  outOfOrder: number;
  unobservedBuckets: number;
  pausedAtMs: number | null;
  /** Null when the checkpoint has no GMM sums. */
  gmm: LoGmmSums | null;
}

/**
 * Validate and decode a Sharpe checkpoint body (config excluded) against the tracker's ring
 * capacity `cap` and `loMaxLags`; throws an Error naming the first bad field.
 */
export function decodeSharpeTrackerState(
  r: Record<string, unknown>,
  where: string,
  limits: { cap: number; loMaxLags: number; returnBasis: ResolvedSharpeOptions["returnBasis"] },
): DecodedSharpeTrackerState {
  let returns: number[];
  let startEquity: number[];
  let endEquity: number[];
  if (r["version"] === 2) {
    const buckets = readInt(r, "buckets", where);
    if (buckets > limits.cap) {
      throw new Error(`${where}.buckets: at most ${limits.cap} buckets (ring capacity), got ${buckets}`);
    }
    const first = readNullableNumber(r, "firstStartEquity", where);
    if (buckets > 0 && first === null) {
      throw new Error(`${where}.firstStartEquity: must be set once a bucket was closed`);
    }
    endEquity = readEndEquities(r, where, buckets);
    const capitalBase = readNullableNumber(r, "capitalBase", where);
    if (buckets > 0 && limits.returnBasis === "starting_capital" && capitalBase === null) {
      throw new Error(`${where}.capitalBase: must be set once a bucket was closed`);
    }
    startEquity = [];
    returns = [];
    for (let i = 0; i < buckets; i++) {
      const start = i === 0 ? first! : endEquity[i - 1]!;
      const end = endEquity[i]!;
      // the same expression as SharpeTracker.closeBucket, so the same double
      const base = limits.returnBasis === "starting_capital" ? capitalBase! : start;
      startEquity.push(start);
      returns.push(base !== 0 ? (end - start) / base : 0);
    }
  } else {
    returns = readNumberArray(r, "returns", where);
    if (returns.length > limits.cap) {
      throw new Error(
        `${where}.returns: at most ${limits.cap} buckets (ring capacity), got ${returns.length}`,
      );
    }
    startEquity = readNumberArray(r, "startEquity", where, returns.length);
    endEquity = readNumberArray(r, "endEquity", where, returns.length);
  }
  const firstReturns = readNumberArray(r, "firstReturns", where);
  if (firstReturns.length > limits.loMaxLags) {
    throw new Error(
      `${where}.firstReturns: at most loMaxLags=${limits.loMaxLags} elements, got ${firstReturns.length}`,
    );
  }
  const d: DecodedSharpeTrackerState = {
    capitalBase: readNullableNumber(r, "capitalBase", where),
    returns,
    startEquity,
    endEquity,
    curBucket: readNullableNumber(r, "curBucket", where),
    bucketStartEquity: readNumber(r, "bucketStartEquity", where),
    lastEquity: readNumber(r, "lastEquity", where),
    firstTsMs: readNullableNumber(r, "firstTsMs", where),
    lastTsMs: readNumber(r, "lastTsMs", where),
    all: RunningMoments.fromState(r["all"] as RunningMomentsState, `${where}.all`),
    allDrawdown: DrawdownTracker.fromState(r["allDrawdown"] as DrawdownTrackerState, `${where}.allDrawdown`),
    firstReturns,
    lagProducts: readNumberArray(r, "lagProducts", where, limits.loMaxLags + 1),
    sumAll: readNumber(r, "sumAll", where),
    fillPnl: RunningMoments.fromState(r["fillPnl"] as RunningMomentsState, `${where}.fillPnl`),
    outOfOrder: readInt(r, "outOfOrder", where),
    unobservedBuckets: r["unobservedBuckets"] === undefined ? 0 : readInt(r, "unobservedBuckets", where),
    pausedAtMs: r["pausedAtMs"] === undefined ? null : readNullableNumber(r, "pausedAtMs", where),
    gmm:
      r["gmm"] === undefined
        ? null
        : LoGmmSums.fromState(r["gmm"] as LoGmmSumsState, limits.loMaxLags, `${where}.gmm`),
  };
  if ((d.firstTsMs === null) !== (d.curBucket === null)) {
    throw new Error(`${where}: firstTsMs and curBucket must both be null (no sample yet) or both be set`);
  }
  if (d.pausedAtMs !== null && d.firstTsMs === null) {
    throw new Error(`${where}.pausedAtMs: must be null before the first sample`);
  }
  if (d.pausedAtMs !== null && d.pausedAtMs !== d.lastTsMs) {
    throw new Error(
      `${where}.pausedAtMs: expected lastTsMs = ${d.lastTsMs} (a pause stops the clock), got ${d.pausedAtMs}`,
    );
  }
  if (d.gmm !== null && d.gmm.n !== d.all.n) {
    throw new Error(`${where}.gmm.n: expected all.n = ${d.all.n}, got ${d.gmm.n}`);
  }
  if (firstReturns.length !== Math.min(d.all.n, limits.loMaxLags)) {
    throw new Error(
      `${where}.firstReturns: expected min(all.n, loMaxLags) = ${Math.min(d.all.n, limits.loMaxLags)} elements, got ${firstReturns.length}`,
    );
  }
  return d;
}
