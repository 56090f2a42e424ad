/** Edge and attribution section: EdgeTracker + histograms per markout horizon, SignalPnLAttributor. */
import {
  EdgeTracker,
  edgeSnapshotFromRecord,
  type EdgeValidationRecord,
  RunningMoments,
  type SignalContributionsRecord,
  SignalPnLAttributor,
  type SignalPnlRecord,
  type SignalPnlStats,
} from "@mmkit/analytics";
import { FixedHistogram } from "../histogram.js";
import type { AttributionModel, EdgeModel, SignalAttributionModel } from "../model.js";

function attributionRow(signal: string, s: SignalPnlStats): SignalAttributionModel {
  return {
    signal,
    activePnlBps: s.active_pnl_bps,
    inactivePnlBps: s.inactive_pnl_bps,
    marginalValueBps: s.marginal_value_bps,
    nActive: s.n_active,
    nInactive: s.n_inactive,
    tStat: s.t_stat,
    pValue: s.p_value,
    tStatOverlap: s.t_stat_overlap ?? null,
    pValueOverlap: s.p_value_overlap ?? null,
    slopeBpsPerBps: s.slope_bps_per_bps,
    slopeSe: s.slope_se,
  };
}

/** Map a `signal_pnl` record (logged or recomputed) to the attribution model, signals sorted by name. */
export function attributionFrom(rec: SignalPnlRecord, source: string): AttributionModel {
  return {
    source,
    tsMs: rec.ts_ms,
    nFills: rec.n_fills,
    nAttributed: rec.n_attributed,
    signals: Object.entries(rec.signals)
      .map(([name, s]) => attributionRow(name, s))
      .sort((a, b) => a.signal.localeCompare(b.signal)),
  };
}

/**
 * Consumes quote cycles and edge records merged in time order. Each fill's primary-horizon realized
 * edge (bps) is attributed to the cycle that placed it (its cycle_id).
 */
export class EdgeSection {
  private readonly edge: EdgeTracker;
  private readonly hist = new Map<number, FixedHistogram>();
  private readonly fee = new RunningMoments();
  private readonly spread = new RunningMoments();
  private readonly attributor = new SignalPnLAttributor({ maxCycles: 10_000 });
  /** Edge records used. */
  fills = 0;
  /** Quote cycles used. */
  cycles = 0;

  constructor(
    minEdgeSamples: number,
    private readonly maxHorizons = 16,
  ) {
    this.edge = new EdgeTracker({ minSamples: minEdgeSamples, maxHorizons });
  }

  /** Add one quote cycle's contributions. */
  addCycle(c: SignalContributionsRecord): void {
    this.cycles++;
    this.attributor.recordCycle(c);
  }

  /** Know a cycle outside the time window (not counted): a fill inside it may come from its orders. */
  rememberCycle(c: SignalContributionsRecord): void {
    this.attributor.recordCycle(c);
  }

  /** The markout horizon the records name as primary (the first record's), or null. */
  primaryHorizonMs: number | null = null;

  /** Add one fill's edge record; throws (after counting the fill) if the edge tracker rejects it. */
  addEdge(r: EdgeValidationRecord): void {
    this.primaryHorizonMs ??= r.primary_horizon_ms ?? null;
    // overlap-robust attribution tests: fills closer than twice the markout horizon share moves
    if (this.fills++ === 0)
      this.attributor.setOverlapBandwidthMs(2 * Math.max(1, r.primary_horizon_ms ?? 5000));
    this.fee.push(r.fee_bps);
    this.spread.push(r.realized_spread_bps);
    for (const m of r.markouts) {
      if (m.realized_edge_bps === null) continue;
      let h = this.hist.get(m.horizon_ms);
      if (h === undefined) {
        if (this.hist.size >= this.maxHorizons) continue;
        h = new FixedHistogram();
        this.hist.set(m.horizon_ms, h);
      }
      h.add(m.realized_edge_bps);
    }
    if (r.realized_edge_bps !== null) this.attributor.recordFill(r.cycle_id, r.realized_edge_bps, r.ts_ms);
    this.edge.update(edgeSnapshotFromRecord(r));
  }

  /** Edge statistics per horizon with their histograms. */
  result(): EdgeModel {
    const rep = this.edge.report();
    return {
      fills: this.fills,
      meanFeeBps: this.fee.mean(),
      meanRealizedSpreadBps: this.spread.mean(),
      verdictCiLevel: 1 - 2 * rep.alpha,
      horizons: rep.horizons.map((h) => ({
        horizonMs: h.horizonMs,
        label: `${h.horizonMs}ms`,
        n: h.n,
        meanRealizedBps: h.meanRealizedEdgeBps,
        stdRealizedBps: h.stdRealizedEdgeBps,
        ci95Bps: h.edgeTest ? h.edgeTest.ci95 : null,
        tStat: h.edgeTest ? h.edgeTest.t : null,
        pValue: h.edgeTest ? h.edgeTest.p : null,
        ci95BpsOverlap: h.edgeTestOverlap ? h.edgeTestOverlap.ci95 : null,
        verdictCiBps: h.verdictInterval,
        tStatOverlap: h.edgeTestOverlap ? h.edgeTestOverlap.t : null,
        pValueOverlap: h.edgeTestOverlap ? h.edgeTestOverlap.p : null,
        effectiveN: h.effectiveN,
        meanPredictedBps: h.meanPredictedEdgeBps,
        biasBps: h.meanBiasBps,
        biasTStat: h.biasTest ? h.biasTest.t : null,
        biasPValue: h.biasTest ? h.biasTest.p : null,
        biasTStatOverlap: h.biasTestOverlap ? h.biasTestOverlap.t : null,
        biasPValueOverlap: h.biasTestOverlap ? h.biasTestOverlap.p : null,
        verdict: h.verdict,
        histogram: (this.hist.get(h.horizonMs) ?? new FixedHistogram()).view(30),
      })),
    };
  }

  /** Recomputed attribution when cycles were seen and fills attributed; else the logged record; else none. */
  attribution(nowMs: number, logged: SignalPnlRecord | null): AttributionModel {
    const recomputed = this.attributor.summary(nowMs);
    if (this.cycles > 0 && recomputed.n_attributed > 0) {
      return attributionFrom(recomputed, "recomputed from signal_contributions + edge_validation");
    }
    if (logged !== null) return attributionFrom(logged, "last signal_pnl.jsonl record");
    return { source: "none", tsMs: null, nFills: 0, nAttributed: 0, signals: [] };
  }
}
