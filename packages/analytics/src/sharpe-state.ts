/**
 * Checkpoint format of {@link SharpeTracker}: its state type, the encoded options it was built with,
 * and the validating decoder used by `SharpeTracker.setState`.
 */
import {
  type EncodedNumber,
  encodeNumber,
  readArray,
  readInt,
  readNullableNumber,
  readNumber,
  readNumberArray,
  readRecord,
  readString,
} from "./checkpoint.js";
import { DrawdownTracker, type DrawdownTrackerState } from "./drawdown.js";
import type { SharpeWindowSpec } from "./sharpe.js";
import { RunningMoments, type RunningMomentsState } from "./stats.js";

/** {@link SharpeTrackerOptions} with every default applied. */
export interface ResolvedSharpeOptions {
  bucketMs: number;
  returnBasis: "starting_capital" | "bucket_start_equity";
  capitalBase: number | null;
  windows: readonly SharpeWindowSpec[];
  loMaxLags: number;
}

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
 * Checkpoint of a {@link SharpeTracker}. Ring-buffer contents are stored oldest first and only for
 * the filled slots (`returns.length = startEquity.length = endEquity.length ≤` the ring capacity).
 */
export interface SharpeTrackerState {
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
}

/**
 * Validate and decode a Sharpe checkpoint body (config excluded) against the tracker's ring
 * capacity `cap` and `loMaxLags`; throws an Error naming the first bad field.
 */
export function decodeSharpeTrackerState(
  r: Record<string, unknown>,
  where: string,
  limits: { cap: number; loMaxLags: number },
): DecodedSharpeTrackerState {
  const returns = readNumberArray(r, "returns", where);
  if (returns.length > limits.cap) {
    throw new Error(`${where}.returns: at most ${limits.cap} buckets (ring capacity), got ${returns.length}`);
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
    startEquity: readNumberArray(r, "startEquity", where, returns.length),
    endEquity: readNumberArray(r, "endEquity", where, returns.length),
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
  };
  if ((d.firstTsMs === null) !== (d.curBucket === null)) {
    throw new Error(`${where}: firstTsMs and curBucket must both be null (no sample yet) or both be set`);
  }
  if (firstReturns.length !== Math.min(d.all.n, limits.loMaxLags)) {
    throw new Error(
      `${where}.firstReturns: expected min(all.n, loMaxLags) = ${Math.min(d.all.n, limits.loMaxLags)} elements, got ${firstReturns.length}`,
    );
  }
  return d;
}
