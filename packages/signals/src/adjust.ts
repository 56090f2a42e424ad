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

// Prime the literal's numeric fields with fractions once, at load: V8 then gives them the double
// representation from the start. Otherwise the first adjustments (all-neutral warm-up: integer
// 0 / 1 values) make them small-integer fields, the first fraction generalizes them, and that
// deprecates the hidden class: integrate's property reads then go megamorphic and every cycle pays
// for it (measured in the paper trader: ~9 µs instead of ~1 µs per integrate).
makeAdjustment("", false, 0.5, 0.5, "", 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, false, false);
