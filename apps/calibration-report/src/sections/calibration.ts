/** Calibration section: BrierCalibration per fill horizon and for adverse selection. */
import {
  type BootstrapOptions,
  BrierCalibration,
  type CalibrationReport,
  type EdgeValidationRecord,
  type PredictionRecord,
} from "@mmkit/analytics";
import type { CalibrationModel } from "../model.js";

/** Map an analytics calibration report (null = empty) to the report model; empty is INSUFFICIENT DATA. */
export function calibrationModel(
  label: string,
  horizonMs: number | null,
  censored: number,
  rep: CalibrationReport | null,
): CalibrationModel {
  if (rep === null) {
    return {
      label,
      horizonMs,
      n: 0,
      censored,
      brier: null,
      reliability: null,
      resolution: null,
      uncertainty: null,
      withinBin: null,
      logLoss: null,
      skill: null,
      baseRate: null,
      meanForecast: null,
      brierCi95: null,
      brierCiFrom: null,
      brierBlockCi95: null,
      brierCiBlocks: null,
      bins: [],
      status: "INSUFFICIENT DATA",
    };
  }
  let sumF = 0;
  for (const b of rep.table) if (b.meanForecast !== null) sumF += b.meanForecast * b.n;
  return {
    label,
    horizonMs,
    n: rep.n,
    censored,
    brier: rep.brier,
    reliability: rep.reliability,
    resolution: rep.resolution,
    uncertainty: rep.uncertainty,
    withinBin: rep.withinBinVariance - rep.withinBinCovariance,
    logLoss: rep.logLoss,
    skill: rep.brierSkill,
    baseRate: rep.baseRate,
    meanForecast: sumF / rep.n,
    brierCi95: rep.brierCi ? [rep.brierCi.lo, rep.brierCi.hi] : null,
    brierCiFrom: rep.brierCi ? rep.brierCi.resampledFrom : null,
    brierBlockCi95: rep.brierBlockCi ? [rep.brierBlockCi.lo, rep.brierBlockCi.hi] : null,
    brierCiBlocks: rep.brierBlockCi
      ? { blocks: rep.brierBlockCi.blocks, blockMs: rep.brierBlockCi.blockMs }
      : null,
    bins: rep.table.map((b) => ({
      lo: b.lo,
      hi: b.hi,
      count: b.n,
      meanForecast: b.meanForecast,
      observedFreq: b.observedFreq,
      lowCount: b.lowCount,
    })),
    status: "OK",
  };
}

/**
 * Time blocks of the Brier CI for a forecast horizon: 60 s, or 4 × the horizon when longer, so
 * forecasts whose outcome windows overlap mostly share a block.
 */
export function blockMsFor(horizonMs: number): number {
  return Math.max(60_000, 4 * horizonMs);
}

/** Consumes predictions: resolved horizons feed one tracker per horizon; censored ones are counted. */
export class CalibrationSection {
  /** Per horizon: all resolved forecasts, the censored count, and the forecasts per `arrival_model`. */
  private readonly fill = new Map<
    number,
    { cal: BrierCalibration; censored: number; byModel: Map<string, BrierCalibration> }
  >();
  private readonly adverse: BrierCalibration;
  private adverseUnknown = 0;

  constructor(
    private readonly opts: { bins: number; minBinCount: number },
    private readonly maxHorizons = 16,
  ) {
    this.adverse = new BrierCalibration({ ...opts, blockMs: blockMsFor(0) });
  }

  /** Add one prediction record. */
  add(r: PredictionRecord): void {
    for (const h of r.horizons) {
      let entry = this.fill.get(h.horizon_ms);
      if (entry === undefined) {
        if (this.fill.size >= this.maxHorizons) continue;
        entry = {
          cal: new BrierCalibration({ ...this.opts, blockMs: blockMsFor(h.horizon_ms) }),
          censored: 0,
          byModel: new Map(),
        };
        this.fill.set(h.horizon_ms, entry);
      }
      if (h.censored || h.filled === null) entry.censored++;
      else {
        entry.cal.update(h.p_fill, h.filled, r.ts_ms);
        const model = r.arrival_model;
        if (model !== undefined) {
          let cal = entry.byModel.get(model);
          if (cal === undefined) {
            cal = new BrierCalibration({ ...this.opts, blockMs: blockMsFor(h.horizon_ms) });
            entry.byModel.set(model, cal);
          }
          cal.update(h.p_fill, h.filled, r.ts_ms);
        }
      }
    }
    if (r.p_adverse_given_fill !== undefined) {
      if (r.adverse === true || r.adverse === false)
        this.adverse.update(r.p_adverse_given_fill, r.adverse, r.ts_ms);
      else if (r.horizons.some((h) => h.filled === true)) this.adverseUnknown++;
    }
  }

  /**
   * Add one edge-validation record: a fill with a predicted P(adverse) and a known markout at its
   * primary horizon is one adverse-selection forecast (outcome: realized_as_bps > 0).
   */
  addEdge(r: EdgeValidationRecord): void {
    if (r.p_adverse_given_fill === undefined) return;
    if (r.realized_as_bps === null) this.adverseUnknown++;
    else this.adverse.update(r.p_adverse_given_fill, r.realized_as_bps > 0, r.ts_ms);
  }

  /**
   * Models per fill horizon (ascending) and for adverse selection; with more than one arrival
   * model in the predictions, also per model and horizon (`fill@5000ms/empirical`, …).
   */
  result(boot: BootstrapOptions): {
    fill: CalibrationModel[];
    adverse: CalibrationModel;
    byArrivalModel: CalibrationModel[];
  } {
    const horizons = [...this.fill.entries()].sort((a, b) => a[0] - b[0]);
    const models = new Set(horizons.flatMap(([, e]) => [...e.byModel.keys()]));
    const byArrivalModel =
      models.size < 2
        ? []
        : horizons.flatMap(([h, e]) =>
            [...e.byModel.entries()]
              .sort((a, b) => a[0].localeCompare(b[0]))
              .map(([model, cal]) => calibrationModel(`fill@${h}ms/${model}`, h, 0, cal.report(boot))),
          );
    return {
      fill: horizons.map(([h, e]) => calibrationModel(`fill@${h}ms`, h, e.censored, e.cal.report(boot))),
      adverse: calibrationModel("adverse", null, this.adverseUnknown, this.adverse.report(boot)),
      byArrivalModel,
    };
  }
}
