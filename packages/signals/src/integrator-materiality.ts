/** Materiality test: whether an active signal's weighted request changes the quote enough to be credited. */
import type { SignalAdjustment, SignalEffect } from "@mmkit/core";
import type { IntegratorConfig } from "./integrator-config.js";
import type { Memos } from "./last-value-memo.js";

/**
 * Whether an active signal's weighted request changes the quote materially (see `materialityBps`).
 * `m` = log1p(materialityMult); `logK`/`logG` = ln κ/γ multipliers of a non-regime signal.
 */
export function isMaterial(
  a: SignalAdjustment,
  w: number,
  c: IntegratorConfig,
  m: number,
  logK: number,
  logG: number,
  regime: SignalEffect["regime"] | undefined,
  memo: Memos,
): boolean {
  const bps = c.materialityBps;
  if (a.pullBid || a.pullAsk) return true;
  if (Math.abs(w * a.spreadAdjBps) >= bps || Math.abs(w * a.skewAdjBps) >= bps) return true;
  if (w * a.bidExtraBps >= bps || w * a.askExtraBps >= bps) return true;
  if (a.name === c.regimeSignalName) {
    const r = regime;
    return (
      r !== undefined &&
      (Math.abs(memo.lnRegimeK.get(r.kappaMult)) >= m || Math.abs(memo.lnRegimeG.get(r.gammaMult)) >= m)
    );
  }
  return Math.abs(w * logK) >= m || Math.abs(w * logG) >= m;
}
