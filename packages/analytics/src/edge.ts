/** EdgeTracker: streaming realized vs predicted edge per markout horizon, its input snapshot, options and checkpoint. */
import type { EdgeValidationRecord } from "./records.js";
import {
  type EncodedNumber,
  encodeNumber,
  readArray,
  readInt,
  readNullableNumber,
  readNumber,
  readRecord,
  readVersioned,
  requireSameConfig,
} from "./checkpoint.js";
import { type HorizonSums, newHorizonSums, overlapOptions, overlapTest } from "./edge-horizon-sums.js";
import type { EdgeHorizonStats, EdgeReport, EdgeVerdict } from "./edge-report.js";
import { OverlapVariance, type OverlapVarianceState } from "./overlap-variance.js";
import { confidenceInterval, oneSampleTTest, RunningMoments, type RunningMomentsState } from "./stats.js";

/** What the edge tracker needs from one fill. */
export interface EdgeSnapshot {
  /** Fill time, ms. */
  tsMs: number;
  /** Predicted edge at placement (spread − AS − fee), bps. */
  predictedEdgeBps: number;
  /** Fee, bps of notional (negative = rebate). */
  feeBps: number;
  /** Realized edge per markout horizon (null when the horizon's mid is not known). */
  markouts: { horizonMs: number; realizedEdgeBps: number | null }[];
}

/** The tracker input from an edge-validation record. */
export function edgeSnapshotFromRecord(rec: EdgeValidationRecord): EdgeSnapshot {
  return {
    tsMs: rec.ts_ms,
    predictedEdgeBps: rec.predicted_edge_bps,
    feeBps: rec.fee_bps,
    markouts: rec.markouts.map((m) => ({ horizonMs: m.horizon_ms, realizedEdgeBps: m.realized_edge_bps })),
  };
}

/** Options of {@link EdgeTracker}. */
export interface EdgeTrackerOptions {
  /** Minimum fills at a horizon before any verdict (default 30). */
  minSamples?: number;
  /** Significance level of each one-sided test, in (0, 0.5) (default 0.05). */
  alpha?: number;
  /** Horizon of the headline verdict (default: the first horizon seen). */
  primaryHorizonMs?: number;
  /** Maximum number of distinct horizons (default 16). */
  maxHorizons?: number;
}

/** Checkpoint of an {@link EdgeTracker}; `horizons` keeps first-seen order. */
export interface EdgeTrackerState {
  version: 1;
  config: {
    minSamples: EncodedNumber;
    alpha: EncodedNumber;
    maxHorizons: EncodedNumber;
    /** The `primaryHorizonMs` OPTION (null = first horizon seen). */
    primaryHorizonMs: EncodedNumber | null;
  };
  /** Primary horizon in use. */
  primaryHorizonMs: EncodedNumber | null;
  fills: number;
  horizons: {
    horizonMs: EncodedNumber;
    realized: RunningMomentsState;
    predicted: RunningMomentsState;
    bias: RunningMomentsState;
    /** Overlap-robust sums (absent in checkpoints of earlier versions: their fills then count as independent). */
    realizedOverlap?: OverlapVarianceState;
    biasOverlap?: OverlapVarianceState;
  }[];
}

/** Streaming tracker of realized vs predicted edge per markout horizon (O(horizons) memory). */
export class EdgeTracker {
  private readonly byHorizon = new Map<number, HorizonSums>();
  private readonly minSamples: number;
  private readonly alpha: number;
  private readonly maxHorizons: number;
  private primaryHorizonMs: number | null;
  private readonly primaryHorizonOption: number | null;
  private fills = 0;

  constructor(options: EdgeTrackerOptions = {}) {
    this.minSamples = options.minSamples ?? 30;
    this.alpha = options.alpha ?? 0.05;
    this.maxHorizons = options.maxHorizons ?? 16;
    this.primaryHorizonMs = options.primaryHorizonMs ?? null;
    this.primaryHorizonOption = this.primaryHorizonMs;
    if (!(this.minSamples >= 2))
      throw new Error(`EdgeTracker: minSamples must be >= 2, got ${this.minSamples}`);
    // below 0.5: the verdict's interval has level 1 − 2α
    if (!(this.alpha > 0 && this.alpha < 0.5))
      throw new Error(`EdgeTracker: alpha must be in (0,0.5), got ${this.alpha}`);
    if (!(Number.isInteger(this.maxHorizons) && this.maxHorizons >= 1))
      throw new Error(`EdgeTracker: maxHorizons must be an integer >= 1, got ${this.maxHorizons}`);
  }

  /**
   * Add one fill. The whole snapshot is checked first (finite tsMs / predicted / realized edges,
   * horizons finite ≥ 0 and distinct, room under maxHorizons): a bad one throws, tracker unchanged.
   */
  update(snap: EdgeSnapshot): void {
    this.check(snap);
    this.fills += 1;
    for (const m of snap.markouts) {
      if (m.realizedEdgeBps === null) continue;
      let h = this.byHorizon.get(m.horizonMs);
      if (!h) {
        h = newHorizonSums(m.horizonMs);
        this.byHorizon.set(m.horizonMs, h);
        this.primaryHorizonMs ??= m.horizonMs;
      }
      h.realized.push(m.realizedEdgeBps);
      h.predicted.push(snap.predictedEdgeBps);
      h.bias.push(snap.predictedEdgeBps - m.realizedEdgeBps);
      h.realizedOverlap.push(snap.tsMs, m.realizedEdgeBps);
      h.biasOverlap.push(snap.tsMs, snap.predictedEdgeBps - m.realizedEdgeBps);
    }
  }

  /** Throw (naming the field) unless `update(snap)` can apply the whole snapshot. No allocation. */
  private check(snap: EdgeSnapshot): void {
    if (!Number.isFinite(snap.tsMs)) throw new Error(`EdgeTracker.update: tsMs not finite, got ${snap.tsMs}`);
    if (!Number.isFinite(snap.predictedEdgeBps))
      throw new Error(`EdgeTracker.update: predictedEdgeBps not finite, got ${snap.predictedEdgeBps}`);
    const markouts = snap.markouts;
    let added = 0;
    for (let i = 0; i < markouts.length; i++) {
      const m = markouts[i]!;
      const hMs = m.horizonMs;
      if (!(Number.isFinite(hMs) && hMs >= 0))
        throw new Error(`EdgeTracker.update: horizonMs must be finite and >= 0, got ${hMs}`);
      for (let j = 0; j < i; j++) {
        if (markouts[j]!.horizonMs === hMs)
          throw new Error(`EdgeTracker.update: duplicate markout horizon ${hMs} ms`);
      }
      if (m.realizedEdgeBps === null) continue;
      if (!Number.isFinite(m.realizedEdgeBps)) {
        throw new Error(
          `EdgeTracker.update: realizedEdgeBps at ${hMs} ms not finite, got ${m.realizedEdgeBps}`,
        );
      }
      if (!this.byHorizon.has(hMs) && this.byHorizon.size + ++added > this.maxHorizons) {
        throw new Error(`EdgeTracker: more than maxHorizons=${this.maxHorizons} horizons`);
      }
    }
  }

  /** Statistics per horizon and the headline verdict. */
  report(): EdgeReport {
    const horizons: EdgeHorizonStats[] = [...this.byHorizon.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([horizonMs, h]) => {
        const n = h.realized.n;
        const mean = h.realized.mean();
        const std = h.realized.std();
        const edgeTest = mean !== null && std !== null ? oneSampleTTest(n, mean, std, 0, "greater") : null;
        const bm = h.bias.mean();
        const bs = h.bias.std();
        const biasTest = bm !== null && bs !== null ? oneSampleTTest(n, bm, bs, 0, "two-sided") : null;
        const edgeTestOverlap = overlapTest(h.realizedOverlap, "greater");
        const biasTestOverlap = overlapTest(h.biasOverlap, "two-sided");
        let verdict: EdgeVerdict;
        if (n < this.minSamples || edgeTestOverlap === null) verdict = "INSUFFICIENT_DATA";
        else if (edgeTestOverlap.p < this.alpha) verdict = "POSITIVE_EDGE";
        // the mirror test (H1: edge < 0, one-sided at the same α): a losing strategy is called
        // as readily as a winning one (a 95% CI below 0 would need p < α/2 on this side)
        else if (overlapTest(h.realizedOverlap, "less")!.p < this.alpha) verdict = "NEGATIVE_EDGE";
        else verdict = "NO_SIGNIFICANT_EDGE";
        return {
          horizonMs,
          n,
          meanRealizedEdgeBps: mean,
          stdRealizedEdgeBps: std,
          meanPredictedEdgeBps: h.predicted.mean(),
          meanBiasBps: bm,
          edgeTest,
          biasTest,
          edgeTestOverlap,
          biasTestOverlap,
          verdictInterval:
            edgeTestOverlap === null ? null : confidenceInterval(edgeTestOverlap, 1 - 2 * this.alpha),
          effectiveN: h.realizedOverlap.effectiveN(),
          verdict,
        };
      });
    const primary = horizons.find((h) => h.horizonMs === this.primaryHorizonMs);
    return {
      fills: this.fills,
      minSamples: this.minSamples,
      alpha: this.alpha,
      primaryHorizonMs: this.primaryHorizonMs,
      horizons,
      verdict: primary ? primary.verdict : "INSUFFICIENT_DATA",
    };
  }

  /** JSON-safe checkpoint of the per-horizon running sums. */
  getState(): EdgeTrackerState {
    const enc = (x: number | null): EncodedNumber | null => (x === null ? null : encodeNumber(x));
    return {
      version: 1,
      config: {
        minSamples: encodeNumber(this.minSamples),
        alpha: encodeNumber(this.alpha),
        maxHorizons: encodeNumber(this.maxHorizons),
        primaryHorizonMs: enc(this.primaryHorizonOption),
      },
      primaryHorizonMs: enc(this.primaryHorizonMs),
      fills: this.fills,
      horizons: [...this.byHorizon].map(([horizonMs, h]) => ({
        horizonMs: encodeNumber(horizonMs),
        realized: h.realized.getState(),
        predicted: h.predicted.getState(),
        bias: h.bias.getState(),
        realizedOverlap: h.realizedOverlap.getState(),
        biasOverlap: h.biasOverlap.getState(),
      })),
    };
  }

  /**
   * Restore from {@link getState} output into a tracker built with the same options (else use
   * {@link EdgeTracker.fromState}); throws naming the bad field and leaves this unchanged.
   */
  setState(state: EdgeTrackerState, where = "EdgeTracker state"): void {
    const r = readVersioned(state, where);
    const cw = `${where}.config`;
    const c = readRecord(r["config"], cw);
    requireSameConfig(where, "config.minSamples", this.minSamples, readNumber(c, "minSamples", cw));
    requireSameConfig(where, "config.alpha", this.alpha, readNumber(c, "alpha", cw));
    requireSameConfig(where, "config.maxHorizons", this.maxHorizons, readNumber(c, "maxHorizons", cw));
    requireSameConfig(
      where,
      "config.primaryHorizonMs",
      this.primaryHorizonOption,
      readNullableNumber(c, "primaryHorizonMs", cw),
    );
    const primaryHorizonMs = readNullableNumber(r, "primaryHorizonMs", where);
    const fills = readInt(r, "fills", where);
    const byHorizon = new Map<number, HorizonSums>();
    readArray(r, "horizons", where, this.maxHorizons).forEach((v, i) => {
      const at = `${where}.horizons[${i}]`;
      const e = readRecord(v, at);
      const horizonMs = readNumber(e, "horizonMs", at);
      if (byHorizon.has(horizonMs)) throw new Error(`${at}.horizonMs: duplicate horizon ${horizonMs}`);
      const realized = RunningMoments.fromState(e["realized"] as RunningMomentsState, `${at}.realized`);
      const predicted = RunningMoments.fromState(e["predicted"] as RunningMomentsState, `${at}.predicted`);
      const bias = RunningMoments.fromState(e["bias"] as RunningMomentsState, `${at}.bias`);
      if (predicted.n !== realized.n || bias.n !== realized.n) {
        throw new Error(`${at}: realized, predicted and bias must have the same n`);
      }
      // each fill adds at most one markout per horizon
      if (realized.n > fills) throw new Error(`${at}: n ${realized.n} is more than the ${fills} fills`);
      const overlap = (key: "realizedOverlap" | "biasOverlap", moments: RunningMoments): OverlapVariance => {
        const raw = e[key];
        const opts = overlapOptions(horizonMs);
        if (raw === undefined) {
          // a checkpoint from before the overlap-robust test: its fills count as independent
          return OverlapVariance.fromMoments(opts, moments.n, moments.mean() ?? 0, moments.m2Sum());
        }
        const ov = new OverlapVariance(opts);
        ov.setState(raw as OverlapVarianceState, `${at}.${key}`);
        if (ov.count() !== moments.n)
          throw new Error(`${at}.${key}: n ${ov.count()} differs from ${moments.n}`);
        return ov;
      };
      byHorizon.set(horizonMs, {
        realized,
        predicted,
        bias,
        realizedOverlap: overlap("realizedOverlap", realized),
        biasOverlap: overlap("biasOverlap", bias),
      });
    });
    this.byHorizon.clear();
    for (const [k, h] of byHorizon) this.byHorizon.set(k, h);
    this.primaryHorizonMs = primaryHorizonMs;
    this.fills = fills;
  }

  /** A new tracker built with the checkpoint's own options and restored from it. */
  static fromState(state: EdgeTrackerState, where = "EdgeTracker state"): EdgeTracker {
    const cw = `${where}.config`;
    const c = readRecord(readVersioned(state, where)["config"], cw);
    const primary = readNullableNumber(c, "primaryHorizonMs", cw);
    const t = new EdgeTracker({
      minSamples: readNumber(c, "minSamples", cw),
      alpha: readNumber(c, "alpha", cw),
      maxHorizons: readNumber(c, "maxHorizons", cw),
      ...(primary === null ? {} : { primaryHorizonMs: primary }),
    });
    t.setState(state, where);
    return t;
  }
}
