/**
 * Probability calibration of binary forecasts (e.g. p_fill vs filled): Brier score with the Murphy
 * decomposition on a fixed bin grid, reliability table, clipped log loss, Brier skill vs
 * climatology and a seeded bootstrap CI.
 *
 * Exact identity (Stephenson, Coelho & Jolliffe 2008), with bins k, n_k forecasts f in bin k, bin mean
 * forecast f̄_k, bin outcome frequency ō_k, overall frequency ō and N forecasts:
 *   BS = REL − RES + UNC + WBV − WBC
 *   REL = Σ n_k (f̄_k − ō_k)² / N, RES = Σ n_k (ō_k − ō)² / N, UNC = ō (1 − ō),
 *   WBV = Σ_k Σ_{i∈k} (f_i − f̄_k)² / N,  WBC = 2 Σ_k Σ_{i∈k} (f_i − f̄_k)(o_i − ō_k) / N.
 * With bin-constant forecasts WBV = WBC = 0 and BS = REL − RES + UNC (Murphy 1973).
 */
import { bootstrapMeanCi, type BootstrapOptions } from "./bootstrap.js";
import type { CalibrationReport, ReliabilityBin } from "./calibration-report.js";
import type { BrierCalibrationState, BrierCalibrationStateV2 } from "./calibration-state.js";
import {
  encodeFloat64s,
  encodeNumber,
  encodeNumbers,
  readAnyVersion,
  readFloat64s,
  readInt,
  readNumber,
  readNumberArray,
  readRecord,
  requireSameConfig,
} from "./checkpoint.js";
import { SeededRandom, type SeededRandomState } from "./prng.js";
import type { PredictionRecord } from "./records.js";
import { TimeBlockMean, type TimeBlockMeanState } from "./time-block-mean.js";

/** Options of {@link BrierCalibration}. */
export interface CalibrationOptions {
  /** Number of equal-width bins on [0, 1] (default 10). */
  bins?: number;
  /** Bins with fewer forecasts are flagged `lowCount` (default 30). */
  minBinCount?: number;
  /** Log-loss clipping (default 1e-6). */
  logLossEps?: number;
  /**
   * Size of the seeded reservoir sample kept for the bootstrap (default 20 000). 0 keeps none:
   * `report(bootstrap)` then gives `brierCi: null`, and the checkpoint is O(bins).
   */
  reservoirSize?: number;
  /** Seed of the reservoir sampler (default 1). */
  seed?: number;
  /** Time blocks for `brierBlockCi`, ms (forecasts must then carry their time). Absent: no block CI. */
  blockMs?: number;
}

/** Streaming Brier calibration tracker (O(bins + reservoir) memory). */
export class BrierCalibration {
  private readonly bins: number;
  private readonly minBinCount: number;
  private readonly eps: number;
  private readonly cnt: Float64Array;
  private readonly sf: Float64Array;
  private readonly sff: Float64Array;
  private readonly so: Float64Array;
  private readonly sfo: Float64Array;
  private n = 0;
  private sumSq = 0;
  private sumLog = 0;
  private readonly reservoir: Float64Array;
  private resFilled = 0;
  private readonly rng: SeededRandom;
  private readonly seed: number;
  private readonly blocks: TimeBlockMean | null;
  /** Forecasts added without a time (the block CI is then not given). */
  private untimed = 0;

  constructor(options: CalibrationOptions = {}) {
    this.bins = options.bins ?? 10;
    if (!(Number.isInteger(this.bins) && this.bins >= 1))
      throw new Error(`BrierCalibration: bins must be an integer >= 1`);
    this.minBinCount = options.minBinCount ?? 30;
    this.eps = options.logLossEps ?? 1e-6;
    if (!(this.eps > 0 && this.eps < 0.5))
      throw new Error(`BrierCalibration: logLossEps must be in (0, 0.5)`);
    const rs = options.reservoirSize ?? 20_000;
    if (!(rs === 0 || (Number.isInteger(rs) && rs >= 2)))
      throw new Error(`BrierCalibration: reservoirSize must be 0 (no bootstrap sample) or an integer >= 2`);
    this.cnt = new Float64Array(this.bins);
    this.sf = new Float64Array(this.bins);
    this.sff = new Float64Array(this.bins);
    this.so = new Float64Array(this.bins);
    this.sfo = new Float64Array(this.bins);
    this.reservoir = new Float64Array(rs);
    this.seed = options.seed ?? 1;
    this.rng = new SeededRandom(this.seed);
    this.blocks = options.blockMs === undefined ? null : new TimeBlockMean(options.blockMs);
  }

  /**
   * Bin index of a forecast: min(bins − 1, ⌊f·bins⌋) in floating point, so bin k holds [k/bins,
   * (k+1)/bins) with a decimal edge such as 0.3 in the bin above it (edges from
   * `np.linspace(0, 1, 11)` are 0.30000000000000004, and `np.digitize` would put 0.3 below).
   */
  binOf(forecast: number): number {
    return Math.min(this.bins - 1, Math.floor(forecast * this.bins));
  }

  /**
   * Add one forecast in [0, 1] with its binary outcome (and, for the block CI, the time it was made).
   * A null outcome (censored: never observed) is skipped; any outcome other than true/false/1/0/null,
   * or a non-finite tsMs, throws before anything is counted.
   */
  update(forecast: number, outcome: boolean | 0 | 1 | null, tsMs?: number): void {
    if (!(forecast >= 0 && forecast <= 1))
      throw new Error(`BrierCalibration.update: forecast must be in [0,1], got ${forecast}`);
    if (outcome !== true && outcome !== false && outcome !== 1 && outcome !== 0 && outcome !== null) {
      const got = typeof outcome === "string" ? JSON.stringify(outcome) : String(outcome);
      throw new Error(
        `BrierCalibration.update: outcome must be true, false, 1, 0 or null (censored), got ${got}`,
      );
    }
    if (tsMs !== undefined && !Number.isFinite(tsMs))
      throw new Error(`BrierCalibration.update: tsMs must be finite when given, got ${tsMs}`);
    if (outcome === null) return;
    const o = outcome === true || outcome === 1 ? 1 : 0;
    const k = this.binOf(forecast);
    this.cnt[k]! += 1;
    this.sf[k]! += forecast;
    this.sff[k]! += forecast * forecast;
    this.so[k]! += o;
    this.sfo[k]! += forecast * o;
    const sq = (forecast - o) ** 2;
    if (this.blocks !== null) {
      if (tsMs === undefined) this.untimed += 1;
      else this.blocks.push(tsMs, sq);
    }
    this.sumSq += sq;
    const p = Math.min(1 - this.eps, Math.max(this.eps, forecast));
    this.sumLog += o === 1 ? -Math.log(p) : -Math.log(1 - p);
    this.n += 1;
    // reservoir (Algorithm R) of per-forecast squared errors for the bootstrap
    if (this.resFilled < this.reservoir.length) {
      this.reservoir[this.resFilled++] = sq;
    } else if (this.reservoir.length > 0) {
      const j = Math.floor(this.rng.next() * this.n);
      if (j < this.reservoir.length) this.reservoir[j] = sq;
    }
  }

  /** Forecasts seen. */
  count(): number {
    return this.n;
  }

  /** Full report, or null when no forecast was seen (never a perfect-looking 0). */
  report(bootstrap?: BootstrapOptions): CalibrationReport | null {
    const N = this.n;
    if (N === 0) return null;
    let totO = 0;
    for (let k = 0; k < this.bins; k++) totO += this.so[k]!;
    const obar = totO / N;
    let rel = 0;
    let res = 0;
    let wbv = 0;
    let wbc = 0;
    const table: ReliabilityBin[] = [];
    for (let k = 0; k < this.bins; k++) {
      const nk = this.cnt[k]!;
      const lo = k / this.bins;
      const hi = (k + 1) / this.bins;
      if (nk === 0) {
        table.push({ bin: k, lo, hi, n: 0, meanForecast: null, observedFreq: null, lowCount: true });
        continue;
      }
      const fbar = this.sf[k]! / nk;
      const ok = this.so[k]! / nk;
      rel += nk * (fbar - ok) ** 2;
      res += nk * (ok - obar) ** 2;
      wbv += Math.max(0, this.sff[k]! - nk * fbar * fbar);
      wbc += 2 * (this.sfo[k]! - nk * fbar * ok);
      table.push({
        bin: k,
        lo,
        hi,
        n: nk,
        meanForecast: fbar,
        observedFreq: ok,
        lowCount: nk < this.minBinCount,
      });
    }
    const unc = obar * (1 - obar);
    const brier = this.sumSq / N;
    let brierCi: CalibrationReport["brierCi"] = null;
    if (bootstrap && this.resFilled >= 2) {
      const ci = bootstrapMeanCi(this.reservoir.subarray(0, this.resFilled), bootstrap);
      if (ci)
        brierCi = { level: ci.level, lo: ci.lo, hi: ci.hi, nBoot: ci.nBoot, resampledFrom: this.resFilled };
    }
    return {
      n: N,
      baseRate: obar,
      brier,
      reliability: rel / N,
      resolution: res / N,
      uncertainty: unc,
      withinBinVariance: wbv / N,
      withinBinCovariance: wbc / N,
      logLoss: this.sumLog / N,
      logLossEps: this.eps,
      brierSkill: unc > 0 ? 1 - brier / unc : null,
      brierCi,
      brierBlockCi:
        this.blocks !== null && this.untimed === 0 ? this.blocks.ci(0.95, { min: 0, max: 1 }) : null,
      table,
      minBinCount: this.minBinCount,
    };
  }

  /** JSON-safe checkpoint: bin sums, totals, the filled reservoir and the sampler's RNG state. */
  getState(): BrierCalibrationStateV2 {
    return {
      version: 2,
      config: {
        bins: this.bins,
        minBinCount: encodeNumber(this.minBinCount),
        logLossEps: encodeNumber(this.eps),
        reservoirSize: this.reservoir.length,
        seed: this.seed,
      },
      n: this.n,
      binCount: encodeNumbers(this.cnt),
      sumForecast: encodeNumbers(this.sf),
      sumForecastSq: encodeNumbers(this.sff),
      sumOutcome: encodeNumbers(this.so),
      sumForecastOutcome: encodeNumbers(this.sfo),
      sumSq: encodeNumber(this.sumSq),
      sumLog: encodeNumber(this.sumLog),
      reservoir: encodeFloat64s(this.reservoir.subarray(0, this.resFilled)),
      rng: this.rng.getState(),
      ...(this.blocks === null ? {} : { blocks: this.blocks.getState(), untimed: this.untimed }),
    };
  }

  /**
   * Restore from {@link getState} output into a tracker built with the same options (else use
   * {@link BrierCalibration.fromState}); throws naming the bad field and leaves this unchanged.
   */
  setState(state: BrierCalibrationState, where = "BrierCalibration state"): void {
    const { r, version } = readAnyVersion(state, where, [1, 2]);
    const cw = `${where}.config`;
    const c = readRecord(r["config"], cw);
    requireSameConfig(where, "config.bins", this.bins, readInt(c, "bins", cw, 1));
    requireSameConfig(where, "config.minBinCount", this.minBinCount, readNumber(c, "minBinCount", cw));
    requireSameConfig(where, "config.logLossEps", this.eps, readNumber(c, "logLossEps", cw));
    requireSameConfig(
      where,
      "config.reservoirSize",
      this.reservoir.length,
      readInt(c, "reservoirSize", cw, 0),
    );
    requireSameConfig(where, "config.seed", this.seed, readNumber(c, "seed", cw));
    const n = readInt(r, "n", where);
    const cnt = readNumberArray(r, "binCount", where, this.bins);
    const sf = readNumberArray(r, "sumForecast", where, this.bins);
    const sff = readNumberArray(r, "sumForecastSq", where, this.bins);
    const so = readNumberArray(r, "sumOutcome", where, this.bins);
    const sfo = readNumberArray(r, "sumForecastOutcome", where, this.bins);
    const sumSq = readNumber(r, "sumSq", where);
    const sumLog = readNumber(r, "sumLog", where);
    const filled = Math.min(n, this.reservoir.length);
    const reservoir =
      version === 2
        ? readFloat64s(r, "reservoir", where, filled)
        : readNumberArray(r, "reservoir", where, filled);
    const rng = new SeededRandom(0);
    rng.setState(r["rng"] as SeededRandomState, `${where}.rng`);
    let untimed = 0;
    if (this.blocks !== null) {
      if (r["blocks"] === undefined)
        untimed = n; // written without block sums: no block CI
      else {
        this.blocks.setState(r["blocks"] as TimeBlockMeanState, `${where}.blocks`);
        untimed = readInt(r, "untimed", where);
      }
    }
    this.cnt.set(cnt);
    this.sf.set(sf);
    this.sff.set(sff);
    this.so.set(so);
    this.sfo.set(sfo);
    this.n = n;
    this.sumSq = sumSq;
    this.sumLog = sumLog;
    this.reservoir.fill(0);
    this.reservoir.set(reservoir);
    this.resFilled = reservoir.length;
    this.rng.setState(rng.getState());
    this.untimed = untimed;
  }

  /** A new tracker built with the checkpoint's own options and restored from it. */
  static fromState(state: BrierCalibrationState, where = "BrierCalibration state"): BrierCalibration {
    const cw = `${where}.config`;
    const r = readAnyVersion(state, where, [1, 2]).r;
    const c = readRecord(r["config"], cw);
    const blocks = r["blocks"] === undefined ? null : readRecord(r["blocks"], `${where}.blocks`);
    const cal = new BrierCalibration({
      bins: readInt(c, "bins", cw, 1),
      minBinCount: readNumber(c, "minBinCount", cw),
      logLossEps: readNumber(c, "logLossEps", cw),
      reservoirSize: readInt(c, "reservoirSize", cw, 0),
      seed: readNumber(c, "seed", cw),
      ...(blocks === null ? {} : { blockMs: readNumber(blocks, "blockMs", `${where}.blocks`) }),
    });
    cal.setState(state, where);
    return cal;
  }
}

/**
 * Feed one `predictions.jsonl` record's forecast and outcome at `horizonMs` into `cal`.
 * Censored or unknown outcomes are skipped (never counted as "not filled"). Returns whether used.
 */
export function addPredictionOutcome(
  cal: BrierCalibration,
  rec: PredictionRecord,
  horizonMs: number,
): boolean {
  const h = rec.horizons.find((x) => x.horizon_ms === horizonMs);
  if (!h || h.censored || h.filled === null) return false;
  cal.update(h.p_fill, h.filled, rec.ts_ms);
  return true;
}
