/**
 * Seeded two-venue mid paths with a known lead–lag structure, for the lead–lag signal's tests.
 *
 * Every `tickMs` the reference venue publishes a mid (at offset 7 ms in the tick) and the local
 * venue one (at offset 31 ms). The reference log-mid is a Gaussian random walk (σ bps per √s) with
 * optional jumps. The local log-mid is either the reference's `lagMs` earlier minus a constant basis
 * plus iid noise (`lagMs` given), or an independent random walk minus the basis (`lagMs` null), so
 * ln(ref/local)·1e4 has mean ≈ `basisBps` in the first case.
 */
import { Rng } from "@mmkit/core";

/** Parameters of the generated path. */
export interface LeadLagPathConfig {
  seed: number;
  /** Length of the path (s). */
  durationSec: number;
  /** Update period of each venue (ms). */
  tickMs: number;
  /** Volatility of the reference log-mid (bps per √s). */
  sigmaBpsPerSqrtSec: number;
  /** Lag of the local mid behind the reference (ms, a multiple of tickMs); null = independent venues. */
  lagMs: number | null;
  /** Constant basis ln(ref/local)·1e4 (bps). */
  basisBps: number;
  /** Std of iid noise on the local log-mid (bps). */
  localNoiseBps: number;
  /** Reference jumps: at `atSec` the reference log-mid moves by `bps`. */
  jumps: { atSec: number; bps: number }[];
}

/** One mid update. */
export interface MidUpdate {
  venue: "ref" | "local";
  tsMs: number;
  mid: number;
}

/** Generated path: time-ordered updates plus the mids per tick for look-ups. */
export interface LeadLagPath {
  updates: MidUpdate[];
  t0Ms: number;
  tickMs: number;
  refMids: Float64Array;
  localMids: Float64Array;
}

/** Time offset of the reference update within a tick (ms). */
export const REF_OFFSET_MS = 7;
/** Time offset of the local update within a tick (ms). */
export const LOCAL_OFFSET_MS = 31;

/** Generate a path (deterministic in the seed). */
export function generateLeadLagPath(cfg: LeadLagPathConfig, t0Ms = 1_700_000_000_000): LeadLagPath {
  const rng = new Rng(cfg.seed);
  const n = Math.round((cfg.durationSec * 1000) / cfg.tickMs);
  const stepBps = cfg.sigmaBpsPerSqrtSec * Math.sqrt(cfg.tickMs / 1000);
  const lagTicks = cfg.lagMs === null ? 0 : Math.round(cfg.lagMs / cfg.tickMs);
  const jumpAt = new Map(cfg.jumps.map((j) => [Math.round((j.atSec * 1000) / cfg.tickMs), j.bps]));
  const refLog = new Float64Array(n);
  const localLog = new Float64Array(n);
  let ref = 0;
  let indep = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0) ref += stepBps * rng.normal() + (jumpAt.get(k) ?? 0);
    refLog[k] = ref;
    if (cfg.lagMs === null) {
      if (k > 0) indep += stepBps * rng.normal();
      localLog[k] = indep - cfg.basisBps;
    } else {
      localLog[k] = refLog[Math.max(0, k - lagTicks)]! - cfg.basisBps + cfg.localNoiseBps * rng.normal();
    }
  }
  const updates: MidUpdate[] = [];
  const refMids = new Float64Array(n);
  const localMids = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    refMids[k] = 50_000 * Math.exp(refLog[k]! * 1e-4);
    localMids[k] = 50_000 * Math.exp(localLog[k]! * 1e-4);
    const base = t0Ms + k * cfg.tickMs;
    updates.push({ venue: "ref", tsMs: base + REF_OFFSET_MS, mid: refMids[k]! });
    updates.push({ venue: "local", tsMs: base + LOCAL_OFFSET_MS, mid: localMids[k]! });
  }
  return { updates, t0Ms, tickMs: cfg.tickMs, refMids, localMids };
}

/** The local mid in force at `tsMs` (the last local update at or before it; the first before any). */
export function localMidAt(path: LeadLagPath, tsMs: number): number {
  const k = Math.floor((tsMs - path.t0Ms - LOCAL_OFFSET_MS) / path.tickMs);
  return path.localMids[Math.min(path.localMids.length - 1, Math.max(0, k))]!;
}
