/**
 * The signal-adjustment interface of the quote engine. Signals (packages/signals) implement it;
 * the engine applies the integrated result in its effective-parameter pipeline.
 */

/** What one signal asks of the quote engine in one quote cycle, before blending. */
export interface SignalAdjustment {
  /** Stable signal name (used as the attribution key). */
  name: string;
  /** Added to the half-spread on both sides, in bps (positive widens). */
  spreadAdjBps: number;
  /** Shift of both quotes in bps of fair (positive moves quotes up: leans bullish). */
  skewAdjBps: number;
  /** Multiplier on κ (1 = no change). */
  kappaMult: number;
  /** Multiplier on γ (1 = no change). */
  gammaMult: number;
  /** Extra widening of the bid side only, in bps (e.g. falling-knife guard). */
  bidExtraBps: number;
  /** Extra widening of the ask side only, in bps. */
  askExtraBps: number;
  /** Pull (do not quote) the bid side this cycle. */
  pullBid: boolean;
  /** Pull (do not quote) the ask side this cycle. */
  pullAsk: boolean;
  /** Whether the signal is active this cycle (false during warm-up or when it has nothing to say). */
  active: boolean;
  /** Confidence in [0, 1]; the integrator uses it as a gating weight. */
  confidence: number;
  /** The raw signal value, for logs and attribution regressions. */
  rawValue: number;
  /** Short human-readable state, e.g. "warmup 40%" or "knife down sev=0.7". */
  note?: string;
}

/** The blended effect of all signals on one quote cycle, as the quote engine consumes it. */
export interface SignalEffect {
  spreadAdjBps: number;
  skewAdjBps: number;
  kappaMult: number;
  gammaMult: number;
  bidExtraBps: number;
  askExtraBps: number;
  pullBid: boolean;
  pullAsk: boolean;
  /** Regime view for the regime-blending step (absent: no regime blending this cycle). */
  regime?: {
    /** Most likely regime index (0 = calmest). */
    state: number;
    /** Filtered state probabilities. */
    probs: number[];
    /** κ multiplier of the regime (regime κ = base κ × kappaMult). */
    kappaMult: number;
    /** γ multiplier of the regime. */
    gammaMult: number;
  };
}

/** An effect that changes nothing. */
export const NEUTRAL_SIGNAL_EFFECT: Readonly<SignalEffect> = Object.freeze({
  spreadAdjBps: 0,
  skewAdjBps: 0,
  kappaMult: 1,
  gammaMult: 1,
  bidExtraBps: 0,
  askExtraBps: 0,
  pullBid: false,
  pullAsk: false,
});

/** A neutral effect carrying only a regime view (the engine's trace uses it to attribute the regime's part). */
export function regimeOnlyEffect(regime: NonNullable<SignalEffect["regime"]>): SignalEffect {
  const n = NEUTRAL_SIGNAL_EFFECT;
  return {
    spreadAdjBps: n.spreadAdjBps,
    skewAdjBps: n.skewAdjBps,
    kappaMult: n.kappaMult,
    gammaMult: n.gammaMult,
    bidExtraBps: n.bidExtraBps,
    askExtraBps: n.askExtraBps,
    pullBid: n.pullBid,
    pullAsk: n.pullAsk,
    regime,
  };
}

/** A neutral adjustment for a signal that is inactive this cycle. */
export function inactiveAdjustment(name: string, note?: string, confidence = 0): SignalAdjustment {
  const a: SignalAdjustment = {
    name,
    spreadAdjBps: 0,
    skewAdjBps: 0,
    kappaMult: 1,
    gammaMult: 1,
    bidExtraBps: 0,
    askExtraBps: 0,
    pullBid: false,
    pullAsk: false,
    active: false,
    confidence,
    rawValue: 0,
  };
  if (note !== undefined) a.note = note;
  return a;
}

/** An active adjustment: neutral everywhere except the fields given (confidence defaults to 1). */
export function activeAdjustment(
  name: string,
  fields: Partial<Omit<SignalAdjustment, "name" | "active">>,
): SignalAdjustment {
  // Built field by field (object spread of a non-literal is a slow path, and this runs every cycle).
  const a = inactiveAdjustment(name, fields.note, fields.confidence ?? 1);
  a.active = true;
  if (fields.spreadAdjBps !== undefined) a.spreadAdjBps = fields.spreadAdjBps;
  if (fields.skewAdjBps !== undefined) a.skewAdjBps = fields.skewAdjBps;
  if (fields.kappaMult !== undefined) a.kappaMult = fields.kappaMult;
  if (fields.gammaMult !== undefined) a.gammaMult = fields.gammaMult;
  if (fields.bidExtraBps !== undefined) a.bidExtraBps = fields.bidExtraBps;
  if (fields.askExtraBps !== undefined) a.askExtraBps = fields.askExtraBps;
  if (fields.pullBid !== undefined) a.pullBid = fields.pullBid;
  if (fields.pullAsk !== undefined) a.pullAsk = fields.pullAsk;
  if (fields.rawValue !== undefined) a.rawValue = fields.rawValue;
  return a;
}
