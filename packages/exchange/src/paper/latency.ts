import type { Rng } from "@mmkit/core";

/** Order-entry and cancel latency in ms, drawn from a seeded generator the exchange owns. */
export interface LatencyModel {
  /** Delay from submission until a new order (or a modify) is live at the venue, ms. */
  orderEntryMs(rng: Rng): number;
  /** Delay from submission until a cancel is effective at the venue, ms. */
  cancelMs(rng: Rng): number;
}

/** Serializable latency configuration. */
export type LatencyConfig =
  | { kind: "constant"; orderEntryMs: number; cancelMs: number }
  | {
      kind: "uniform";
      orderEntryMinMs: number;
      orderEntryMaxMs: number;
      cancelMinMs: number;
      cancelMaxMs: number;
    }
  | { kind: "lognormal"; orderEntryMedianMs: number; cancelMedianMs: number; sigma: number; capMs?: number };

/** Box–Muller normal from two uniforms (no cached spare, so checkpointed RNG state is complete). */
function stdNormal(rng: Rng): number {
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function checkNonNegative(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0)
    throw new Error(`latency ${name} must be a finite number >= 0 ms, got ${v}`);
}

/** Fixed latencies (no randomness is consumed). */
export class ConstantLatency implements LatencyModel {
  constructor(
    private readonly entryMs: number,
    private readonly cancelDelayMs: number,
  ) {
    checkNonNegative("orderEntryMs", entryMs);
    checkNonNegative("cancelMs", cancelDelayMs);
  }
  /** The constant order-entry latency. */
  orderEntryMs(): number {
    return this.entryMs;
  }
  /** The constant cancel latency. */
  cancelMs(): number {
    return this.cancelDelayMs;
  }
}

/** Latencies uniform in [min, max) ms. */
export class UniformLatency implements LatencyModel {
  constructor(
    private readonly entryMinMs: number,
    private readonly entryMaxMs: number,
    private readonly cancelMinMs: number,
    private readonly cancelMaxMs: number,
  ) {
    for (const [n, v] of [
      ["orderEntryMinMs", entryMinMs],
      ["orderEntryMaxMs", entryMaxMs],
      ["cancelMinMs", cancelMinMs],
      ["cancelMaxMs", cancelMaxMs],
    ] as const)
      checkNonNegative(n, v);
    if (entryMaxMs < entryMinMs)
      throw new Error(`latency orderEntryMaxMs ${entryMaxMs} < orderEntryMinMs ${entryMinMs}`);
    if (cancelMaxMs < cancelMinMs)
      throw new Error(`latency cancelMaxMs ${cancelMaxMs} < cancelMinMs ${cancelMinMs}`);
  }
  /** Uniform order-entry latency. */
  orderEntryMs(rng: Rng): number {
    return rng.uniform(this.entryMinMs, this.entryMaxMs);
  }
  /** Uniform cancel latency. */
  cancelMs(rng: Rng): number {
    return rng.uniform(this.cancelMinMs, this.cancelMaxMs);
  }
}

/** Lognormal latencies: median·exp(σ·Z), optionally capped (heavy right tail like real venues). */
export class LognormalLatency implements LatencyModel {
  constructor(
    private readonly entryMedianMs: number,
    private readonly cancelMedianMs: number,
    private readonly sigma: number,
    private readonly capMs = Number.POSITIVE_INFINITY,
  ) {
    checkNonNegative("orderEntryMedianMs", entryMedianMs);
    checkNonNegative("cancelMedianMs", cancelMedianMs);
    checkNonNegative("sigma", sigma);
    if (!(capMs > 0)) throw new Error(`latency capMs must be > 0, got ${capMs}`);
  }
  /** Lognormal order-entry latency. */
  orderEntryMs(rng: Rng): number {
    return Math.min(this.capMs, this.entryMedianMs * Math.exp(this.sigma * stdNormal(rng)));
  }
  /** Lognormal cancel latency. */
  cancelMs(rng: Rng): number {
    return Math.min(this.capMs, this.cancelMedianMs * Math.exp(this.sigma * stdNormal(rng)));
  }
}

/** Build a latency model from its serializable configuration. */
export function latencyFromConfig(cfg: LatencyConfig): LatencyModel {
  switch (cfg.kind) {
    case "constant":
      return new ConstantLatency(cfg.orderEntryMs, cfg.cancelMs);
    case "uniform":
      return new UniformLatency(cfg.orderEntryMinMs, cfg.orderEntryMaxMs, cfg.cancelMinMs, cfg.cancelMaxMs);
    case "lognormal":
      return new LognormalLatency(cfg.orderEntryMedianMs, cfg.cancelMedianMs, cfg.sigma, cfg.capMs);
  }
}
