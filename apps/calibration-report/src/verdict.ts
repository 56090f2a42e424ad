/** Go/no-go verdict: each criterion PASS / FAIL / INSUFFICIENT DATA, the overall call and its exit code. */
import type { Criteria } from "./criteria.js";
import { fmtTs } from "./format.js";

/** Status of one criterion. */
export type CriterionStatus = "PASS" | "FAIL" | "INSUFFICIENT DATA";

/** Overall call. */
export type OverallVerdict = "GO" | "NO-GO" | "INSUFFICIENT DATA";

/** One evaluated criterion. */
export interface CriterionResult {
  /** Stable id: "sharpe" | "brier" | "drawdown" | "fills" | "edge" | "kill_switch" (listed only when it halted). */
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

/** The edge figures the edge criterion judges (the analytics EdgeTracker's at one horizon). */
export interface EdgeVerdictInput {
  /** null: the records' primary `realized_edge_bps`, horizon not named. */
  horizonMs: number | null;
  /** Fills with a realized edge at that horizon. */
  n: number;
  meanBps: number | null;
  /** `POSITIVE_EDGE` | `NEGATIVE_EDGE` | `NO_SIGNIFICANT_EDGE` | `INSUFFICIENT_DATA`. */
  verdict: string;
  /** The robust CI at the verdict's level, and that level (e.g. 0.9). */
  ciBps: [number, number] | null;
  ciLevel: number;
  /** Why another horizon than the records' primary one is judged, if so. */
  note?: string;
}

/** The measured figures the verdict is computed from. */
export interface VerdictInputs {
  /** Annualized Sharpe of the whole (filtered) run, recomputed from equity; null if not computable. */
  sharpeAnnualized: number | null;
  /**
   * The same annualized with Lo's (2002) autocorrelation adjustment. The criterion uses it when it is
   * computable and lower than the √P figure (√P annualization assumes uncorrelated returns; with
   * positively autocorrelated bucket returns it overstates the annual Sharpe). An adjustment that
   * would RAISE the Sharpe comes from negative autocorrelation estimates, which are noisy on the
   * ~10 lags of a few hundred buckets: a go/no-go does not pass on them.
   */
  loSharpeAnnualized?: number | null;
  /** Return buckets behind the Sharpe. */
  sharpeSamples: number;
  /** Brier score of the fill-probability forecasts at the judged horizon; null if no resolved forecasts. */
  brier: number | null;
  /** Resolved forecasts behind the Brier score. */
  brierSamples: number;
  /** Horizon (ms) the Brier score was taken at, if any. */
  brierHorizonMs: number | null;
  /**
   * Share of those forecasts whose order filled (null/absent: unknown). At 0 or 1 every forecast
   * resolved the same way: the score cannot tell a good forecaster, so the criterion is not judged.
   */
  brierBaseRate?: number | null;
  /** Brier skill score against the base rate at that horizon (null/absent: not computable). */
  brierSkill?: number | null;
  /**
   * The skill at the low end of the Brier score's 95% CI, 1 − Brier_lo/(ō(1 − ō)): the best skill
   * the data allow (null/absent: no CI). A skill ≤ minBrierSkill FAILs only when this is ≤ it too.
   */
  brierSkillCiHigh?: number | null;
  /**
   * The fills' realized edge at the primary markout horizon; null: the run has no edge records
   * (edge_validation.jsonl missing, unreadable or empty) → the edge criterion is INSUFFICIENT DATA;
   * absent: the caller supplies no edge figures → not judged.
   */
  edge?: EdgeVerdictInput | null;
  /** With `edge` null: why there is no edge record ("edge_validation.jsonl empty", a time window that excluded them all…). */
  edgeAbsent?: string;
  /** Maximum drawdown in percent of peak equity; null if no equity. */
  maxDrawdownPct: number | null;
  /** Equity samples behind the drawdown. */
  equitySamples: number;
  /** Fills in the run. */
  fills: number;
  /**
   * The streams mix runs (interleaved, or a file of another run): no figure describes one run, so the overall call is
   * INSUFFICIENT DATA whatever the criteria say (default false).
   */
  mixedRuns?: boolean;
  /** Kill-switch transitions to `halted` in the run (default 0). */
  killSwitchHalts?: number;
  /** The first of them: time and reason. */
  firstHalt?: { tsMs: number; reason: string | null } | null;
}

const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** One threshold criterion: INSUFFICIENT DATA without a value or enough samples, else PASS/FAIL. */
function judge(c: {
  id: CriterionResult["id"];
  name: string;
  threshold: string;
  value: number | null;
  samples: number;
  minSamples: number;
  insufficient: string;
  pass: (value: number) => boolean;
  detail: (value: number, pass: boolean) => string;
}): CriterionResult {
  const base = { id: c.id, name: c.name, threshold: c.threshold, value: c.value, samples: c.samples };
  if (c.value === null || c.samples < c.minSamples) {
    return { ...base, status: "INSUFFICIENT DATA", detail: c.insufficient };
  }
  const pass = c.pass(c.value);
  return { ...base, status: pass ? "PASS" : "FAIL", detail: c.detail(c.value, pass) };
}

/**
 * The edge criterion: a significantly negative edge FAILs at any sample size past `minEdgeSamples`
 * (evidence enough to stop); a significantly positive one PASSes; an edge not significant is
 * INSUFFICIENT DATA until `minFills`, then FAILs under "positive" (no edge shown) and PASSes under
 * "not_negative".
 */
function judgeEdge(e: EdgeVerdictInput, criteria: Criteria, enoughFills: boolean): CriterionResult {
  const positive = criteria.edgeCriterion === "positive";
  const h = e.horizonMs === null ? "primary horizon" : `${e.horizonMs / 1000}s`;
  const level = `${Math.round(e.ciLevel * 1000) / 10}%`;
  const ci = e.ciBps === null ? "" : `, ${level} CI [${fmt(e.ciBps[0], 3)}, ${fmt(e.ciBps[1], 3)}]`;
  const what = `mean ${fmt(e.meanBps ?? Number.NaN, 3)} bps over ${e.n} fills${ci}${e.note === undefined ? "" : ` (${e.note})`}`;
  const base = {
    id: "edge",
    name: `Edge per fill @${h} (robust test)`,
    threshold: positive ? "> 0, significant" : "not significantly < 0",
    value: e.meanBps,
    samples: e.n,
  };
  switch (e.verdict) {
    case "POSITIVE_EDGE":
      return { ...base, status: "PASS", detail: `significantly positive: ${what}` };
    case "NEGATIVE_EDGE":
      return { ...base, status: "FAIL", detail: `significantly negative: ${what}` };
    case "NO_SIGNIFICANT_EDGE":
      if (!positive) return { ...base, status: "PASS", detail: `not significantly negative: ${what}` };
      return enoughFills
        ? { ...base, status: "FAIL", detail: `no significant edge over ${criteria.minFills}+ fills: ${what}` }
        : { ...base, status: "INSUFFICIENT DATA", detail: `not significant yet: ${what}` };
    default:
      return {
        ...base,
        status: "INSUFFICIENT DATA",
        detail: `${e.n} fills with a markout (need >= ${criteria.minEdgeSamples})`,
      };
  }
}

/**
 * The Brier criterion: below `maxBrier` and with skill above `minBrierSkill`. Not judged
 * (INSUFFICIENT DATA) with too few forecasts, with fewer than `minBrierOutcomes` of either outcome
 * (one fill among 366 forecasts read as skill −0.17 on the 120 s sample), or when the skill is not
 * above the minimum but the score's CI still allows it.
 */
function judgeBrier(inputs: VerdictInputs, criteria: Criteria): CriterionResult {
  const n = inputs.brierSamples;
  const rate = inputs.brierBaseRate ?? null;
  const skill = inputs.brierSkill ?? null;
  const skillHigh = inputs.brierSkillCiHigh ?? null;
  const minSkill = criteria.minBrierSkill;
  const unskilled = minSkill !== null && skill !== null && !(skill > minSkill);
  const ciText = skillHigh === null ? "" : ` (95% CI up to ${fmt(skillHigh, 3)})`;
  const filled = rate === null ? null : Math.round(rate * n);
  let notJudged: string | null = null;
  if (rate === 0 || rate === 1)
    notJudged = `every one of ${n} forecasts resolved ${rate === 0 ? "unfilled" : "filled"}: a score without both outcomes cannot tell a good forecaster`;
  else if (filled !== null && Math.min(filled, n - filled) < criteria.minBrierOutcomes)
    notJudged = `${filled} filled and ${n - filled} unfilled forecasts (need >= ${criteria.minBrierOutcomes} of each)`;
  else if (
    unskilled &&
    skillHigh !== null &&
    skillHigh > minSkill! &&
    (inputs.brier ?? 1) < criteria.maxBrier
  )
    notJudged = `skill ${fmt(skill!, 3)}${ciText}: not shown better than always forecasting the fill rate ${fmt(rate ?? Number.NaN, 3)} yet`;
  return judge({
    id: "brier",
    name: `Brier (fill prob.${inputs.brierHorizonMs === null ? "" : ` @${inputs.brierHorizonMs} ms`})`,
    threshold: `< ${criteria.maxBrier}`,
    value: inputs.brier,
    samples: n,
    minSamples: notJudged === null ? criteria.minPredictions : Number.POSITIVE_INFINITY,
    insufficient: notJudged ?? `${n} resolved forecasts (need >= ${criteria.minPredictions})`,
    pass: (v) => v < criteria.maxBrier && !unskilled,
    detail: (v, pass) =>
      unskilled && v < criteria.maxBrier
        ? `${fmt(v, 4)} < ${criteria.maxBrier} but skill ${fmt(skill!, 3)}${ciText} <= ${minSkill}: no better than always forecasting the fill rate ${fmt(rate ?? Number.NaN, 3)}`
        : `${fmt(v, 4)} ${pass ? "<" : ">="} ${criteria.maxBrier} over ${n} forecasts${skill === null ? "" : `, skill ${fmt(skill, 3)}`}`,
  });
}

/** Exit code for an overall verdict. */
export function exitCodeFor(overall: OverallVerdict): 0 | 1 | 3 {
  return overall === "GO" ? 0 : overall === "NO-GO" ? 1 : 3;
}

/**
 * Evaluate the criteria. Streams that mix runs make the call INSUFFICIENT DATA outright. Otherwise
 * any FAIL makes the run NO-GO (a breached drawdown or a bad score is evidence enough to stop); else
 * any INSUFFICIENT DATA makes the whole call INSUFFICIENT DATA; else GO.
 * Thresholds are strict: Sharpe > min, Brier < max, drawdown < max; fills >= min.
 */
export function computeVerdict(inputs: VerdictInputs, criteria: Criteria): Verdict {
  const results: CriterionResult[] = [];
  const notes: string[] = [];

  const plain = inputs.sharpeAnnualized;
  const loGiven = inputs.loSharpeAnnualized ?? null;
  const lo = loGiven !== null && (plain === null || loGiven < plain) ? loGiven : null;
  const s = lo ?? plain;
  if (loGiven === null && plain !== null && inputs.loSharpeAnnualized !== undefined) {
    notes.push(
      "Sharpe: Lo's autocorrelation adjustment was not computable; the criterion used the √P-annualized Sharpe.",
    );
  } else if (loGiven !== null && lo === null && plain !== null) {
    notes.push(
      `Sharpe: Lo's adjustment would raise it (${fmt(plain, 2)} → ${fmt(loGiven, 2)}: negatively autocorrelated returns); the criterion keeps the √P-annualized Sharpe.`,
    );
  }
  results.push(
    judge({
      id: "sharpe",
      name: lo !== null ? "Sharpe (annualized, Lo-adjusted, all)" : "Sharpe (annualized, all)",
      threshold: `> ${criteria.minSharpe}`,
      value: s,
      samples: inputs.sharpeSamples,
      minSamples: criteria.minSharpeSamples,
      insufficient: `${inputs.sharpeSamples} return buckets (need >= ${criteria.minSharpeSamples})${s === null ? ", Sharpe not computable" : ""}`,
      pass: (v) => v > criteria.minSharpe,
      detail: (v, pass) =>
        `${fmt(v, 2)} ${pass ? ">" : "<="} ${criteria.minSharpe} over ${inputs.sharpeSamples} buckets`,
    }),
  );

  results.push(judgeBrier(inputs, criteria));

  results.push(
    judge({
      id: "drawdown",
      name: "Max drawdown (% of peak)",
      threshold: `< ${criteria.maxDrawdownPct}%`,
      value: inputs.maxDrawdownPct,
      samples: inputs.equitySamples,
      minSamples: criteria.minEquitySamples,
      insufficient: `${inputs.equitySamples} equity samples (need >= ${criteria.minEquitySamples})`,
      pass: (v) => v < criteria.maxDrawdownPct,
      detail: (v, pass) => `${fmt(v, 3)}% ${pass ? "<" : ">="} ${criteria.maxDrawdownPct}%`,
    }),
  );

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

  if (criteria.edgeCriterion !== "off" && inputs.edge !== undefined)
    results.push(
      inputs.edge === null
        ? {
            id: "edge",
            name: "Edge per fill (robust test)",
            threshold: criteria.edgeCriterion === "positive" ? "> 0, significant" : "not significantly < 0",
            value: null,
            samples: 0,
            status: "INSUFFICIENT DATA",
            detail: `no edge records (${inputs.edgeAbsent ?? "edge_validation.jsonl missing, unreadable or empty"})`,
          }
        : judgeEdge(inputs.edge, criteria, enough),
    );

  // A halt means the strategy blew a risk limit (drawdown, a non-finite input, an error): the
  // figures describe a run that had to be stopped, so it is a FAIL like a breached drawdown.
  const halts = inputs.killSwitchHalts ?? 0;
  if (halts > 0) {
    const h = inputs.firstHalt ?? null;
    const at = h === null ? "" : ` at ${fmtTs(h.tsMs)}${h.reason ? ` (${h.reason})` : ""}`;
    results.push({
      id: "kill_switch",
      name: "Kill switch (never halted)",
      threshold: criteria.allowHalted ? "halt allowed" : "no halt",
      value: halts,
      samples: halts,
      status: criteria.allowHalted ? "PASS" : "FAIL",
      detail: `halted ${halts}x, first${at}`,
    });
    notes.push(
      criteria.allowHalted
        ? `Kill switch halted the run${at}; allowed by allowHalted.`
        : `KILL SWITCH HALTED the run${at}: the risk limits stopped the strategy.`,
    );
  }

  const failed = results.filter((r) => r.status === "FAIL");
  const missing = results.filter((r) => r.status === "INSUFFICIENT DATA");
  let overall: OverallVerdict;
  if (inputs.mixedRuns === true) {
    // Figures computed over two interleaved runs are evidence about neither: not even a FAIL stands.
    overall = "INSUFFICIENT DATA";
    notes.push("No verdict: the streams mix runs (see the warning above).");
    if (failed.length > 0 || missing.length > 0)
      notes.push(
        `(On the mixed data: ${[...failed.map((r) => `${r.id} failed`), ...missing.map((r) => `${r.id} insufficient`)].join(", ")}.)`,
      );
  } else if (failed.length > 0) {
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
