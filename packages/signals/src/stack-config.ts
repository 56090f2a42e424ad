/** Configuration of the `SignalStack`: per-component options, the opt-in lead–lag switch and the shared book. */
import type { ClockSource, L2Book } from "@mmkit/core";
import type { AlphaKappaConfig } from "./alpha-kappa.js";
import type { FallingKnifeConfig } from "./falling-knife.js";
import type { BookImbalanceConfig } from "./imbalance.js";
import type { IntegratorConfig } from "./integrator-config.js";
import type { LeadLagConfig } from "./lead-lag-config.js";
import type { RegimeDetectorConfig } from "./regime-detector.js";
import type { RlPolicyConfig } from "./rl-policy.js";
import type { WarmupConfig } from "./warmup.js";

/** Configuration of the whole stack (each part optional; defaults per component). */
export interface SignalStackConfig {
  /** Which timestamp of market events drives the signals. Default "exchange". */
  clock: ClockSource;
  /** Horizon of the automatic markout of `onOwnFill` fills (ms; 0 disables). Default 5000. */
  markoutHorizonMs: number;
  /**
   * Book silence (ms) after which the mid is unknown: an automatic markout whose horizon falls
   * more than this after the last accepted book update and before the next one is dropped, not
   * learned from the last mid before the silence (the paper exchange's `maxDataGapMs` rule, which
   * leaves that markout's record null). Default 10000, as the exchange's.
   */
  maxDataGapMs: number;
  /** Enable the RL spread policy. Default true. */
  rlEnabled: boolean;
  regime: Partial<RegimeDetectorConfig>;
  knife: Partial<FallingKnifeConfig>;
  alphaKappa: Partial<AlphaKappaConfig>;
  rl: Partial<RlPolicyConfig>;
  imbalance: Partial<BookImbalanceConfig>;
  warmup: Partial<WarmupConfig>;
  integrator: Partial<IntegratorConfig>;
  /**
   * Lead–lag skew from a reference venue fed through `onReferenceEvent` (`enabled` default false:
   * then the stack's outputs and checkpoints are exactly those without it).
   */
  leadLag: LeadLagStackConfig;
}

/** The stack's lead–lag options: the signal's configuration plus the opt-in switch. */
export type LeadLagStackConfig = Partial<LeadLagConfig> & { enabled?: boolean };

/** Options of the `SignalStack` constructor beside its configuration. */
export interface SignalStackOptions {
  /**
   * A book owned and updated by the caller (shared-book mode). When given, the stack never applies
   * market events to it: the caller must apply every book event (snapshot / delta / BBO) to this
   * book BEFORE passing the event to `onMarketEvent(ev, bookAccepted)`, and say with `bookAccepted`
   * whether its book accepted the event (false = rejected as crossed). The stack only reads the
   * book, and `setState` leaves it alone (the owner restores it). Without it the stack keeps and
   * updates its own book (the default).
   */
  book?: L2Book;
}

/** The configuration with every unspecified option at its component default; throws on a negative markout horizon or a gap limit ≤ 0. */
export function resolveSignalStackConfig(config: Partial<SignalStackConfig>): SignalStackConfig {
  const resolved: SignalStackConfig = {
    clock: config.clock ?? "exchange",
    markoutHorizonMs: config.markoutHorizonMs ?? 5000,
    maxDataGapMs: config.maxDataGapMs ?? 10_000,
    rlEnabled: config.rlEnabled ?? true,
    regime: config.regime ?? {},
    knife: config.knife ?? {},
    alphaKappa: config.alphaKappa ?? {},
    rl: config.rl ?? {},
    imbalance: config.imbalance ?? {},
    warmup: config.warmup ?? {},
    integrator: config.integrator ?? {},
    leadLag: config.leadLag ?? {},
  };
  if (!(resolved.markoutHorizonMs >= 0)) throw new Error("signal stack: markoutHorizonMs must be >= 0");
  if (!(resolved.maxDataGapMs > 0))
    throw new Error(`signal stack: maxDataGapMs must be > 0, got ${resolved.maxDataGapMs}`);
  return resolved;
}
