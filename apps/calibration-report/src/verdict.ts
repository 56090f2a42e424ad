/** Go/no-go verdict: each criterion PASS / FAIL / INSUFFICIENT DATA, the overall call and its exit code. */
import type { Criteria } from "./criteria.js";

/** Status of one criterion. */
export type CriterionStatus = "PASS" | "FAIL" | "INSUFFICIENT DATA";

/** Overall call. */
export type OverallVerdict = "GO" | "NO-GO" | "INSUFFICIENT DATA";

/** One evaluated criterion. */
export interface CriterionResult {
  /** Stable id: "sharpe" | "brier" | "drawdown" | "fills". */
  id: string;
  /** Human-readable name. */
  name: string;
  /** The comparison, e.g. "> 2". */
  threshold: string;
  /** The measured value (null when it could not be computed). */
  value: number | null;
  /** Samples behind the value. */
  samples: number;
  status: CriterionStatus;
  /** Why, in one line. */
  detail: string;
}

/** The verdict block of the report. */
export interface Verdict {
  overall: OverallVerdict;
  /** Process exit code: 0 GO, 1 NO-GO, 3 INSUFFICIENT DATA. */
  exitCode: 0 | 1 | 3;
  criteria: CriterionResult[];
  /** Plain-language reasons and warnings. */
  notes: string[];
}

/** The measured figures the verdict is computed from. */
export interface VerdictInputs {
  /** Annualized Sharpe of the whole (filtered) run, recomputed from equity; null if not computable. */
  sharpeAnnualized: number | null;
  /** Return buckets behind the Sharpe. */
  sharpeSamples: number;
  /** Brier score of the fill-probability forecasts at the judged horizon; null if no resolved forecasts. */
  brier: number | null;
  /** Resolved forecasts behind the Brier score. */
  brierSamples: number;
  /** Horizon (ms) the Brier score was taken at, if any. */
  brierHorizonMs: number | null;
  /** Maximum drawdown in percent of peak equity; null if no equity. */
  maxDrawdownPct: number | null;
  /** Equity samples behind the drawdown. */
  equitySamples: number;
  /** Fills in the run. */
  fills: number;
}

const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** Exit code for an overall verdict. */
export function exitCodeFor(overall: OverallVerdict): 0 | 1 | 3 {
  return overall === "GO" ? 0 : overall === "NO-GO" ? 1 : 3;
}

/**
 * Evaluate the criteria. Any FAIL makes the run NO-GO (a breached drawdown or a bad score is evidence
 * enough to stop); otherwise any INSUFFICIENT DATA makes the whole call INSUFFICIENT DATA; else GO.
 * Thresholds are strict: Sharpe > min, Brier < max, drawdown < max; fills >= min.
 */
export function computeVerdict(inputs: VerdictInputs, criteria: Criteria): Verdict {
  const results: CriterionResult[] = [];
  const notes: string[] = [];

  const s = inputs.sharpeAnnualized;
  if (s === null || inputs.sharpeSamples < criteria.minSharpeSamples) {
    results.push({
      id: "sharpe",
      name: "Sharpe (annualized, all)",
      threshold: `> ${criteria.minSharpe}`,
      value: s,
      samples: inputs.sharpeSamples,
      status: "INSUFFICIENT DATA",
      detail: `${inputs.sharpeSamples} return buckets (need >= ${criteria.minSharpeSamples})${s === null ? ", Sharpe not computable" : ""}`,
    });
  } else {
    const pass = s > criteria.minSharpe;
    results.push({
      id: "sharpe",
      name: "Sharpe (annualized, all)",
      threshold: `> ${criteria.minSharpe}`,
      value: s,
      samples: inputs.sharpeSamples,
      status: pass ? "PASS" : "FAIL",
      detail: `${fmt(s, 2)} ${pass ? ">" : "<="} ${criteria.minSharpe} over ${inputs.sharpeSamples} buckets`,
    });
  }

  const b = inputs.brier;
  const horizon = inputs.brierHorizonMs === null ? "" : ` @${inputs.brierHorizonMs} ms`;
  if (b === null || inputs.brierSamples < criteria.minPredictions) {
    results.push({
      id: "brier",
      name: `Brier (fill prob.${horizon})`,
      threshold: `< ${criteria.maxBrier}`,
      value: b,
      samples: inputs.brierSamples,
      status: "INSUFFICIENT DATA",
      detail: `${inputs.brierSamples} resolved forecasts (need >= ${criteria.minPredictions})`,
    });
  } else {
    const pass = b < criteria.maxBrier;
    results.push({
      id: "brier",
      name: `Brier (fill prob.${horizon})`,
      threshold: `< ${criteria.maxBrier}`,
      value: b,
      samples: inputs.brierSamples,
      status: pass ? "PASS" : "FAIL",
      detail: `${fmt(b, 4)} ${pass ? "<" : ">="} ${criteria.maxBrier} over ${inputs.brierSamples} forecasts`,
    });
  }

  const d = inputs.maxDrawdownPct;
  if (d === null || inputs.equitySamples < criteria.minEquitySamples) {
    results.push({
      id: "drawdown",
      name: "Max drawdown (% of peak)",
      threshold: `< ${criteria.maxDrawdownPct}%`,
      value: d,
      samples: inputs.equitySamples,
      status: "INSUFFICIENT DATA",
      detail: `${inputs.equitySamples} equity samples (need >= ${criteria.minEquitySamples})`,
    });
  } else {
    const pass = d < criteria.maxDrawdownPct;
    results.push({
      id: "drawdown",
      name: "Max drawdown (% of peak)",
      threshold: `< ${criteria.maxDrawdownPct}%`,
      value: d,
      samples: inputs.equitySamples,
      status: pass ? "PASS" : "FAIL",
      detail: `${fmt(d, 3)}% ${pass ? "<" : ">="} ${criteria.maxDrawdownPct}%`,
    });
  }

  const enough = inputs.fills >= criteria.minFills;
  results.push({
    id: "fills",
    name: "Fills (sample size)",
    threshold: `>= ${criteria.minFills}`,
    value: inputs.fills,
    samples: inputs.fills,
    status: enough ? "PASS" : "INSUFFICIENT DATA",
    detail: enough
      ? `${inputs.fills} fills`
      : `only ${inputs.fills} fills; the target is ${criteria.minFills}+ before trusting any figure`,
  });
  if (!enough) notes.push(`WARNING: too few fills (${inputs.fills} < ${criteria.minFills}).`);

  const failed = results.filter((r) => r.status === "FAIL");
  const missing = results.filter((r) => r.status === "INSUFFICIENT DATA");
  let overall: OverallVerdict;
  if (failed.length > 0) {
    overall = "NO-GO";
    notes.push(`NO-GO: failed ${failed.map((r) => r.id).join(", ")}.`);
    if (missing.length > 0) notes.push(`Also insufficient data for ${missing.map((r) => r.id).join(", ")}.`);
  } else if (missing.length > 0) {
    overall = "INSUFFICIENT DATA";
    notes.push(`No verdict: insufficient data for ${missing.map((r) => r.id).join(", ")}.`);
  } else {
    overall = "GO";
    notes.push("GO: every criterion passed with enough samples.");
  }
  return { overall, exitCode: exitCodeFor(overall), criteria: results, notes };
}
