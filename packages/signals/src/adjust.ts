/**
 * Internal: one factory for every `SignalAdjustment` the signals build each quote cycle. The
 * objects have exactly the keys, key order and values of core's `inactiveAdjustment` /
 * `activeAdjustment` with a note, but come from one object literal, so they all share one hidden
 * class and the integrator's property reads stay monomorphic (and no per-call field object).
 */
import type { SignalAdjustment } from "@mmkit/core";

/** An adjustment with every field given (note included). */
export function makeAdjustment(
  name: string,
  active: boolean,
  confidence: number,
  rawValue: number,
  note: string,
  spreadAdjBps = 0,
  skewAdjBps = 0,
  kappaMult = 1,
  gammaMult = 1,
  bidExtraBps = 0,
  askExtraBps = 0,
  pullBid = false,
  pullAsk = false,
): SignalAdjustment {
  return {
    name,
    spreadAdjBps,
    skewAdjBps,
    kappaMult,
    gammaMult,
    bidExtraBps,
    askExtraBps,
    pullBid,
    pullAsk,
    active,
    confidence,
    rawValue,
    note,
  };
}

/** `inactiveAdjustment(name, note, confidence)` of core, from the shared literal. */
export function inactive(name: string, note: string, confidence = 0): SignalAdjustment {
  return makeAdjustment(name, false, confidence, 0, note);
}

/**
 * A non-number standing in for a number, for shape priming only: see `primeNumericFields`.
 * @internal
 */
export const NOT_A_NUMBER = null as unknown as number;

// Give the literal's numeric fields V8's generic (tagged) representation from the start by
// creating one object with non-numbers in them, once at load. Otherwise the first adjustments (the
// all-neutral warm-up: integers 0 / 1 only) make them small-integer fields, the first fraction
// turns them into boxed-double fields, and that deprecates the hidden class: the integrator's
// property reads then go megamorphic and every cycle pays for it (measured in the paper trader:
// ~9 µs instead of ~1 µs per integrate). Tagged fields also store the common 0 / 1 unboxed.
makeAdjustment(
  "",
  false,
  NOT_A_NUMBER,
  NOT_A_NUMBER,
  "",
  NOT_A_NUMBER,
  NOT_A_NUMBER,
  NOT_A_NUMBER,
  NOT_A_NUMBER,
  NOT_A_NUMBER,
  NOT_A_NUMBER,
  false,
  false,
);
