/** Fail-closed check that a signal adjustment carries only finite numbers and positive κ/γ multipliers. */
import type { SignalAdjustment } from "@mmkit/core";

/** Throw naming the first non-finite field (or the non-positive multiplier) of `a`. */
export function checkFinite(a: SignalAdjustment): void {
  // One branch for the common all-finite case; the slow path names the offending field.
  if (
    Number.isFinite(a.spreadAdjBps) &&
    Number.isFinite(a.skewAdjBps) &&
    Number.isFinite(a.kappaMult) &&
    Number.isFinite(a.gammaMult) &&
    Number.isFinite(a.bidExtraBps) &&
    Number.isFinite(a.askExtraBps) &&
    Number.isFinite(a.confidence) &&
    Number.isFinite(a.rawValue) &&
    a.kappaMult > 0 &&
    a.gammaMult > 0
  ) {
    return;
  }
  const fields = [
    ["spreadAdjBps", a.spreadAdjBps],
    ["skewAdjBps", a.skewAdjBps],
    ["kappaMult", a.kappaMult],
    ["gammaMult", a.gammaMult],
    ["bidExtraBps", a.bidExtraBps],
    ["askExtraBps", a.askExtraBps],
    ["confidence", a.confidence],
    ["rawValue", a.rawValue],
  ] as const;
  for (const [k, v] of fields) {
    if (!Number.isFinite(v)) throw new Error(`integrator: signal "${a.name}" has non-finite ${k} (${v})`);
  }
  throw new Error(`integrator: signal "${a.name}" has non-positive kappaMult/gammaMult`);
}
