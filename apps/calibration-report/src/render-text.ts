/** Terminal renderer: the 72-column ASCII report. */
import {
  ARRIVAL_MODEL_COLUMNS,
  arrivalModelCells,
  emptyBucketsText,
  unobservedText,
  fmtDuration,
  fmtHorizon,
  fmtInt,
  fmtNum,
  fmtP,
  fmtPctFrac,
  fmtSigned,
  fmtTs,
  moneyFormat,
  pct,
  sharpeWindowCells,
  shownCi,
  sourceText,
} from "./format.js";
import type { CalibrationModel, ReportModel } from "./model.js";

/** Report width in columns. */
export const TEXT_WIDTH = 72;

const rule = (ch = "-"): string => ch.repeat(TEXT_WIDTH);

/**
 * Wrap a line to {@link TEXT_WIDTH} columns, never cutting text: breaks at the last space that fits,
 * or inside a token longer than the line (a path); continuation lines are indented by the line's own
 * indentation plus `hang` columns.
 */
export function wrap(s: string, hang = 4): string[] {
  if (s.length <= TEXT_WIDTH) return [s];
  const lead = /^ */.exec(s)![0].length;
  const pad = " ".repeat(Math.min(lead + hang, TEXT_WIDTH / 2));
  const out: string[] = [];
  let rest = s;
  let minCut = lead + 1;
  while (rest.length > TEXT_WIDTH) {
    let cut = rest.lastIndexOf(" ", TEXT_WIDTH);
    if (cut < minCut) cut = TEXT_WIDTH; // no space to break at: split the token
    out.push(rest.slice(0, cut).trimEnd());
    rest = pad + rest.slice(cut).trimStart();
    minCut = pad.length + 1;
  }
  out.push(rest);
  return out;
}

function title(s: string): string[] {
  return ["", rule("="), ...wrap(` ${s}`), rule("=")];
}

function section(s: string): string[] {
  const t = `-- ${s} `;
  return ["", ...(t.length <= TEXT_WIDTH ? [t.padEnd(TEXT_WIDTH, "-")] : wrap(t))];
}

/** Key/value line: key padded to 25 columns, then at least one space; long values wrap under the value. */
function kv(key: string, value: string): string[] {
  return wrap(`  ${key.padEnd(25)} ${value}`, 26);
}

/**
 * Table rows (indented) with right-aligned numeric columns; first column left-aligned. A cell wider
 * than its column widens the column (never cut: a cut number is a wrong number); a row that then
 * passes the page width wraps like any other line.
 */
function table(header: string[], rows: string[][], widths: number[], indent = "  "): string[] {
  const cols = widths.map((w, i) => Math.max(w, ...[header, ...rows].map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string[] =>
    wrap(
      indent +
        cells
          .map((c, i) => {
            const w = cols[i] ?? 8;
            return i === 0 ? c.padEnd(w) : c.padStart(w);
          })
          .join(" "),
    );
  return [...line(header), ...line(cols.map((w) => "-".repeat(w))), ...rows.flatMap(line)];
}

function calibrationBlock(c: CalibrationModel): string[] {
  const out: string[] = [];
  out.push(...wrap(`  [${c.label}]  n=${fmtInt(c.n)}  censored=${fmtInt(c.censored)}`));
  if (c.status === "INSUFFICIENT DATA") {
    out.push("    INSUFFICIENT DATA (no resolved forecasts)");
    return out;
  }
  out.push(
    ...wrap(
      `    Brier ${fmtNum(c.brier, 4)}  CI95 [${shownCi(c) ? `${fmtNum(shownCi(c)![0], 4)}, ${fmtNum(shownCi(c)![1], 4)}` : "n/a"}]  skill ${fmtNum(c.skill, 3)}  logloss ${fmtNum(c.logLoss, 4)}`,
    ),
  );
  if (c.brierCiBlocks !== null) {
    out.push(
      ...wrap(
        `    (CI95 from ${fmtInt(c.brierCiBlocks.blocks)} time blocks of ${c.brierCiBlocks.blockMs / 1000} s: nearby forecasts share moves)`,
      ),
    );
  } else if (c.brierCiFrom !== null && c.brierCiFrom < c.n) {
    out.push(
      ...wrap(`    (CI95 bootstrapped from a ${fmtInt(c.brierCiFrom)}-forecast sample: conservative)`),
    );
  }
  out.push(
    ...wrap(
      `    REL ${fmtNum(c.reliability, 4)}  RES ${fmtNum(c.resolution, 4)}  UNC ${fmtNum(c.uncertainty, 4)}  base rate ${fmtNum(c.baseRate, 3)}  mean p ${fmtNum(c.meanForecast, 3)}`,
    ),
  );
  const rows = c.bins
    .filter((b) => b.count > 0)
    .map((b) => [
      `${b.lo.toFixed(2)}-${b.hi.toFixed(2)}`,
      fmtInt(b.count),
      fmtNum(b.meanForecast, 3),
      fmtNum(b.observedFreq, 3),
      b.lowCount ? "low n" : "",
    ]);
  if (rows.length > 0)
    out.push(...table(["bin", "count", "mean p", "observed", "flag"], rows, [12, 8, 9, 9, 6], "    "));
  return out;
}

/** Render the report as 72-column ASCII text. */
export function renderText(r: ReportModel): string {
  const L: string[] = [];
  const s = r.summary;
  L.push(...title("MMKIT CALIBRATION REPORT  -  go / no-go"));
  L.push(...kv("Directory", r.dir));
  const noRunId = r.missing.includes("run.json") ? "run.json missing" : "run.json invalid, see Inputs";
  L.push(...kv("Run", s.runId ?? `n/a (${noRunId})`));
  if (r.timeRange.sinceMs !== null || r.timeRange.untilMs !== null) {
    L.push(...kv("Time filter", `${fmtTs(r.timeRange.sinceMs)} .. ${fmtTs(r.timeRange.untilMs)}`));
  }

  L.push(...section("RUN SUMMARY"));
  L.push(...kv("Start", fmtTs(s.startTsMs)));
  L.push(...kv("End", fmtTs(s.endTsMs)));
  L.push(...kv("Duration", fmtDuration(s.spanSecs)));
  L.push(...kv("Source", sourceText(s.source) ?? "n/a"));
  L.push(...kv("Symbol / venue", `${s.symbol ?? "n/a"} / ${s.venue ?? "n/a"}`));
  L.push(...kv("Fill model / seed", `${s.fillModel ?? "n/a"} / ${s.seed ?? "n/a"}`));
  L.push(
    ...kv(
      "Fills",
      `${fmtInt(s.fills)} (buy ${fmtInt(s.buyFills)}, sell ${fmtInt(s.sellFills)}, maker ${fmtInt(s.makerFills)})`,
    ),
  );
  const { currency: cur, extraDecimals: x } = moneyFormat(s.source, s.startEquity);
  L.push(...kv("Volume", `${fmtNum(s.volumeBase, 4)} base / ${fmtNum(s.volumeQuote, 2 + x)} ${cur}`));
  L.push(
    ...kv(
      "Fees / spread capture",
      `${fmtNum(s.feesQuote, 4 + x)} / ${fmtNum(s.spreadCaptureQuote, 4 + x)} ${cur}`,
    ),
  );
  L.push(
    ...kv(
      "Equity start -> end",
      `${fmtNum(s.startEquity, 2 + x)} -> ${fmtNum(s.endEquity, 2 + x)} (${fmtSigned(s.netPnlQuote, 4 + x)})`,
    ),
  );
  if (s.config) L.push(...kv("Config keys", Object.keys(s.config).join(", ") || "(empty)"));

  L.push(...section("CALIBRATION (fill probability, adverse selection)"));
  L.push("  Brier: mean (forecast - outcome)^2, lower is better; skill: 1 - Brier");
  L.push("  / Brier of always forecasting the observed rate (> 0: better)");
  for (const c of r.calibration.fill) L.push(...calibrationBlock(c));
  if (r.calibration.fill.length === 0) L.push("  fill probability: INSUFFICIENT DATA (no predictions)");
  L.push(...calibrationBlock(r.calibration.adverse));
  if (r.calibration.byArrivalModel.length > 0) {
    L.push("  fill forecasts by arrival model (exponential: the A·e^-κδ fit or its");
    L.push("  prior; empirical: the tape's measured arrival curve):");
    L.push(
      ...table(
        ARRIVAL_MODEL_COLUMNS,
        r.calibration.byArrivalModel.map((c) => [c.label.replace(/^fill@/, ""), ...arrivalModelCells(c)]),
        [19, 6, 7, 7, 7, 7, 9],
        "    ",
      ),
    );
  }

  L.push(...section(`SHARPE (recomputed from equity, ${r.sharpe.bucketSecs}s buckets)`));
  L.push(
    ...table(
      ["window", "n", "Sharpe", "Lo adj", "SE hac", "PSR hac", "mean bps", "std bps"],
      r.sharpe.windows.map((w) => [w.window, ...sharpeWindowCells(w)]),
      [6, 7, 8, 8, 7, 7, 9, 9],
    ),
  );
  L.push("    hac: Lo's (2002) GMM SE for autocorrelated returns (Newey-West");
  L.push("    long-run covariance of the mean and variance moments, Lo lags);");
  L.push("    PSR: probability that the true Sharpe is above 0 given the sample");
  L.push(...kv("Return basis", `${r.sharpe.returnBasis} ${fmtNum(r.sharpe.capitalBase, 2)}`));
  L.push(...kv("Periods per year", `${fmtInt(r.sharpe.periodsPerYear)} (365-day year)`));
  L.push(...kv("Buckets without equity", emptyBucketsText(r.sharpe)));
  if (r.sharpe.emptyBuckets > 0) L.push("    (counted as flat: zero-return buckets)");
  if (r.sharpe.unobservedGaps > 0) {
    L.push(...kv("No market data", unobservedText(r.sharpe)));
    L.push("    (left out; the bucket after a gap carries its return)");
  }
  if (r.sharpe.logged) {
    L.push(
      ...kv(
        "Logged by trader",
        `sharpe_all ${fmtNum(r.sharpe.logged.sharpeAll, 2)}, per-fill ${fmtNum(r.sharpe.logged.originalPerFillSharpe, 2)}`,
      ),
    );
    L.push(...wrap(`    (per-fill figure: ${r.sharpe.logged.label})`));
  }

  L.push(...section("DRAWDOWN"));
  const d = r.drawdown;
  L.push(
    ...kv("Max drawdown", `${fmtPctFrac(d.maxDrawdownFrac, 3)} (${fmtNum(d.maxDrawdownAbs, 4 + x)} ${cur})`),
  );
  L.push(...kv("Peak -> trough", `${fmtTs(d.peakTsMs)} -> ${fmtTs(d.troughTsMs)}`));
  L.push(...kv("Longest underwater", fmtDuration(d.longestUnderwaterSecs)));
  L.push(...kv("Current drawdown", fmtPctFrac(d.currentDrawdownFrac, 3)));

  L.push(...section("EDGE VALIDATION (realized vs predicted, bps)"));
  L.push(...kv("Fills with edge records", fmtInt(r.edge.fills)));
  L.push(
    ...kv(
      "Mean fee / real. spread",
      `${fmtNum(r.edge.meanFeeBps, 3)} / ${fmtNum(r.edge.meanRealizedSpreadBps, 3)} bps`,
    ),
  );
  L.push(
    ...table(
      ["horizon", "n", "n_eff", "realized", `CI${pct(r.edge.verdictCiLevel)} rob`, "t rob", "p rob", "t iid"],
      r.edge.horizons.map((h) => [
        fmtHorizon(h.horizonMs),
        fmtInt(h.n),
        h.effectiveN === null ? "n/a" : fmtInt(Math.round(h.effectiveN)),
        fmtNum(h.meanRealizedBps, 3),
        h.verdictCiBps ? `${fmtNum(h.verdictCiBps[0], 2)},${fmtNum(h.verdictCiBps[1], 2)}` : "n/a",
        fmtNum(h.tStatOverlap, 2),
        fmtP(h.pValueOverlap),
        fmtNum(h.tStat, 2),
      ]),
      [7, 7, 6, 8, 13, 6, 7, 6],
    ),
  );
  L.push("    rob: errors robust to overlapping markouts (fills closer than the");
  L.push("    horizon share moves; the verdict uses them); n_eff: the independent");
  L.push("    fills they are worth; iid: the test that treats fills as independent");
  L.push(`    CI${pct(r.edge.verdictCiLevel)}: the verdict calls an edge when it lies above or below 0`);
  L.push(
    `    (one-sided tests at ${fmtNum((1 - r.edge.verdictCiLevel) / 2, 3)} each). p rob: p-value of the`,
  );
  L.push("    test of H1 edge > 0 (small: evidence of a positive edge; near 1: the");
  L.push("    edge is below 0), not a probability that the edge is positive.");
  L.push(
    ...table(
      ["horizon", "pred", "bias", "t rob", "p rob", "t iid"],
      r.edge.horizons.map((h) => [
        fmtHorizon(h.horizonMs),
        fmtNum(h.meanPredictedBps, 3),
        fmtNum(h.biasBps, 3),
        fmtNum(h.biasTStatOverlap, 2),
        fmtP(h.biasPValueOverlap),
        fmtNum(h.biasTStat, 2),
      ]),
      [7, 8, 8, 7, 8, 7],
    ),
  );
  for (const h of r.edge.horizons) L.push(...wrap(`    ${fmtHorizon(h.horizonMs)}: ${h.verdict}`));

  L.push(...section(`SIGNAL ATTRIBUTION (${r.attribution.source})`));
  if (r.attribution.signals.length === 0) L.push("  no attribution records");
  else
    L.push(
      ...table(
        ["signal", "active", "inactive", "marginal", "t rob", "p rob", "t iid", "n act"],
        r.attribution.signals.map((a) => [
          a.signal,
          fmtNum(a.activePnlBps, 2),
          fmtNum(a.inactivePnlBps, 2),
          fmtSigned(a.marginalValueBps, 2),
          fmtNum(a.tStatOverlap, 2),
          fmtP(a.pValueOverlap),
          fmtNum(a.tStat, 2),
          fmtInt(a.nActive),
        ]),
        [14, 7, 8, 8, 6, 7, 6, 6],
      ),
    );

  L.push(...section("KILL SWITCH / RUN EVENTS"));
  L.push(
    ...kv(
      "Events",
      `${fmtInt(r.events.total)} (kill-switch transitions ${fmtInt(r.events.killSwitchTransitions)})`,
    ),
  );
  for (const e of r.events.events.slice(0, 12)) {
    const move = e.from !== null || e.to !== null ? ` ${e.from ?? "?"} -> ${e.to ?? "?"}` : "";
    L.push(...wrap(`  ${fmtTs(e.tsMs)} ${e.kind}${move}${e.reason ? ` (${e.reason})` : ""}`));
  }
  if (r.events.events.length > 12 || r.events.truncated) L.push("  ...");

  L.push(...section("INPUTS"));
  for (const f of r.inputs) {
    const state = !f.present
      ? "MISSING"
      : f.unreadable !== null
        ? `UNREADABLE (${f.unreadable}), ${fmtInt(f.records)} rec`
        : `${fmtInt(f.records)} rec, ${fmtInt(f.used)} used, ${fmtInt(f.badLines)} bad`;
    L.push(...kv(f.file, state));
  }
  if (r.issueCount > 0) {
    L.push(...wrap(`  ${fmtInt(r.issueCount)} input issue(s); first ones:`));
    for (const i of r.issues.slice(0, 10)) L.push(...wrap(`    ${i.location}: ${i.reason}`));
  }

  L.push(...title(`VERDICT: ${r.verdict.overall}  (exit ${r.verdict.exitCode})`).slice(1));
  for (const c of r.verdict.criteria) {
    L.push(...wrap(`  [${c.status.padEnd(17)}] ${c.name.padEnd(26)} ${c.threshold}`));
    L.push(...wrap(`      ${c.detail}`));
  }
  for (const n of r.verdict.notes) L.push(...wrap(`  ${n}`));
  L.push(rule("="));
  return `${L.join("\n")}\n`;
}
