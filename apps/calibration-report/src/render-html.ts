/** HTML renderer: one self-contained page (inline CSS + SVG, no scripts, no network) with charts beside tables. */
import {
  ARRIVAL_MODEL_COLUMNS,
  arrivalModelCells,
  fmtDuration,
  fmtHorizon,
  fmtInt,
  fmtNum,
  fmtP,
  fmtPctFrac,
  fmtSigned,
  emptyBucketsText,
  unobservedText,
  fmtTs,
  moneyFormat,
  pct,
  sharpeWindowCells,
  shownCi,
  sourceText,
} from "./format.js";
import type { CalibrationModel, ReportModel } from "./model.js";
import { edgeHistogramSvg, esc, reliabilitySvg, seriesSvg, signalBarsSvg } from "./svg.js";

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fafafa}
header{padding:16px 24px;color:#fff}
header.v-GO{background:#2e7d32}header.v-NO-GO{background:#c62828}header.v-INSUFFICIENT{background:#b45309}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0;overflow-wrap:anywhere}
main{padding:8px 24px 32px}
section{background:#fff;border:1px solid #ddd;border-radius:6px;margin:14px 0;padding:10px 16px}
h2{font-size:17px;margin:4px 0 10px}
.row{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.row>div{min-width:0;max-width:100%}
.scroll{overflow-x:auto;max-width:100%}
pre{overflow-x:auto}li{overflow-wrap:anywhere}
table{border-collapse:collapse;font-size:12.5px;margin:6px 0}
th,td{border-bottom:1px solid #eee;padding:3px 8px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
th{background:#f2f2f2}
table.kv td:last-child,table.wrap-last td:last-child{white-space:normal;overflow-wrap:anywhere;text-align:left;min-width:14em}
.PASS{color:#2e7d32;font-weight:bold}.FAIL{color:#c62828;font-weight:bold}.INSUFFICIENT{color:#ef6c00;font-weight:bold}
.muted{color:#777;font-size:12px}
svg.chart{background:#fff;max-width:100%;height:auto}
code{font-size:12px}
`;

function tableHtml(header: string[], rows: string[][], cls = ""): string {
  const head = `<tr>${header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  // wide tables scroll inside their own box: the page never gets wider than the viewport
  return `<div class="scroll"><table class="${cls}">${head}${body}</table></div>`;
}

const statusCls = (s: string): string => (s === "INSUFFICIENT DATA" ? "INSUFFICIENT" : s);

function calibrationTable(c: CalibrationModel): string {
  if (c.status === "INSUFFICIENT DATA")
    return `<p><b>${esc(c.label)}</b>: <span class="INSUFFICIENT">INSUFFICIENT DATA</span> (${c.n} resolved, ${c.censored} censored)</p>`;
  const head = tableHtml(
    ["forecast", "n", "Brier", "CI95", "REL", "RES", "UNC", "log loss", "skill", "base rate"],
    [
      [
        esc(c.label),
        fmtInt(c.n),
        fmtNum(c.brier, 4),
        shownCi(c) ? `${fmtNum(shownCi(c)![0], 4)} – ${fmtNum(shownCi(c)![1], 4)}` : "n/a",
        fmtNum(c.reliability, 4),
        fmtNum(c.resolution, 4),
        fmtNum(c.uncertainty, 4),
        fmtNum(c.logLoss, 4),
        fmtNum(c.skill, 3),
        fmtNum(c.baseRate, 3),
      ],
    ],
  );
  const bins = tableHtml(
    ["bin", "count", "mean p", "observed", ""],
    c.bins
      .filter((b) => b.count > 0)
      .map((b) => [
        `${b.lo.toFixed(2)}–${b.hi.toFixed(2)}`,
        fmtInt(b.count),
        fmtNum(b.meanForecast, 3),
        fmtNum(b.observedFreq, 3),
        b.lowCount ? "low n" : "",
      ]),
  );
  const ciNote =
    c.brierCiBlocks !== null
      ? ` · CI95 from ${fmtInt(c.brierCiBlocks.blocks)} time blocks of ${c.brierCiBlocks.blockMs / 1000} s (forecasts placed close together share market moves)`
      : c.brierCiFrom !== null && c.brierCiFrom < c.n
        ? ` · CI95 bootstrapped from a ${fmtInt(c.brierCiFrom)}-forecast sample (conservative)`
        : "";
  return `${head}<details><summary class="muted">reliability table ${esc(c.label)} (${c.censored} censored excluded${ciNote})</summary>${bins}</details>`;
}

/** Render the report as a self-contained HTML page. */
export function renderHtml(r: ReportModel): string {
  const s = r.summary;
  const { currency: cur, extraDecimals: x } = moneyFormat(s.source, s.startEquity);
  const v = r.verdict;
  const out: string[] = [];
  out.push(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>mmkit calibration report – ${esc(v.overall)}</title><style>${CSS}</style></head><body>`,
  );
  out.push(
    `<header class="v-${statusCls(v.overall)}"><h1 id="verdict">Verdict: ${esc(v.overall)} <span style="font-weight:normal">(exit ${v.exitCode})</span></h1><p>${esc(r.dir)} · run ${esc(s.runId ?? "n/a")} · ${esc(fmtTs(s.startTsMs))} → ${esc(fmtTs(s.endTsMs))} (${esc(fmtDuration(s.spanSecs))})</p></header><main>`,
  );

  out.push(`<section id="criteria"><h2>Go / no-go criteria</h2>`);
  out.push(
    tableHtml(
      ["criterion", "threshold", "value", "samples", "status", "detail"],
      v.criteria.map((c) => [
        esc(c.name),
        esc(c.threshold),
        fmtNum(c.value, c.id === "brier" ? 4 : c.id === "fills" ? 0 : 3),
        fmtInt(c.samples),
        `<span class="${statusCls(c.status)}">${esc(c.status)}</span>`,
        `<span class="muted">${esc(c.detail)}</span>`,
      ]),
      "wrap-last",
    ),
  );
  out.push(`<ul>${v.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></section>`);

  const src = sourceText(s.source) ?? "n/a";
  out.push(`<section id="summary"><h2>Run summary</h2>`);
  out.push(
    tableHtml(
      ["item", "value"],
      [
        ["source", esc(src)],
        ["symbol / venue", esc(`${s.symbol ?? "n/a"} / ${s.venue ?? "n/a"}`)],
        ["fill model / seed", esc(`${s.fillModel ?? "n/a"} / ${s.seed ?? "n/a"}`)],
        [
          "fills",
          esc(
            `${fmtInt(s.fills)} (buy ${fmtInt(s.buyFills)}, sell ${fmtInt(s.sellFills)}, maker ${fmtInt(s.makerFills)}, taker ${fmtInt(s.takerFills)})`,
          ),
        ],
        ["volume", esc(`${fmtNum(s.volumeBase, 4)} base · ${fmtNum(s.volumeQuote, 2 + x)} ${cur}`)],
        [
          "fees / spread capture",
          esc(`${fmtNum(s.feesQuote, 4 + x)} / ${fmtNum(s.spreadCaptureQuote, 4 + x)} ${cur}`),
        ],
        [
          "equity",
          esc(
            `${fmtNum(s.startEquity, 2 + x)} → ${fmtNum(s.endEquity, 2 + x)} (${fmtSigned(s.netPnlQuote, 4 + x)})`,
          ),
        ],
      ],
      "kv",
    ),
  );
  if (s.config)
    out.push(
      `<details><summary class="muted">config</summary><pre><code>${esc(JSON.stringify(s.config, null, 2))}</code></pre></details>`,
    );
  out.push("</section>");

  out.push(
    `<section id="calibration"><h2>Calibration (fill probability, adverse selection)</h2><div class="row"><div>`,
  );
  out.push(reliabilitySvg([...r.calibration.fill, r.calibration.adverse]));
  out.push(`</div><div>`);
  for (const c of r.calibration.fill) out.push(calibrationTable(c));
  if (r.calibration.fill.length === 0)
    out.push(`<p><span class="INSUFFICIENT">INSUFFICIENT DATA</span>: no fill-probability predictions</p>`);
  out.push(calibrationTable(r.calibration.adverse));
  if (r.calibration.byArrivalModel.length > 0) {
    out.push(
      `<p class="muted">Fill forecasts by arrival model (exponential = the A·e<sup>−κδ</sup> fit or its prior; empirical = the tape's measured curve):</p>`,
    );
    out.push(
      tableHtml(
        ARRIVAL_MODEL_COLUMNS,
        r.calibration.byArrivalModel.map((c) => [esc(c.label), ...arrivalModelCells(c)]),
      ),
    );
  }
  out.push("</div></div></section>");

  const d = r.drawdown;
  out.push(`<section id="performance"><h2>Equity, drawdown and Sharpe</h2><div class="row"><div>`);
  out.push(seriesSvg("equity", r.charts.equity, `equity (${cur})`, "#1f77b4"));
  out.push(seriesSvg("drawdown", r.charts.drawdownPct, "drawdown (% of peak)", "#d62728", true));
  out.push(`</div><div>`);
  out.push(
    tableHtml(
      [
        "window",
        "n",
        "Sharpe",
        "Lo adj.",
        "SE (hac)",
        "PSR (hac)",
        "mean bps",
        "std bps",
        "max DD (buckets)",
      ],
      r.sharpe.windows.map((w) => [esc(w.window), ...sharpeWindowCells(w), fmtPctFrac(w.maxDrawdownFrac, 3)]),
    ),
  );
  out.push(
    `<p class="muted">Recomputed from equity.jsonl: ${r.sharpe.bucketSecs}s buckets, ${fmtInt(r.sharpe.periodsPerYear)} periods per 365-day year, returns on ${esc(r.sharpe.returnBasis)} (${fmtNum(r.sharpe.capitalBase, 2)}); buckets without equity: ${esc(emptyBucketsText(r.sharpe))}${r.sharpe.emptyBuckets > 0 ? " (counted as flat, zero-return buckets)" : ""}${r.sharpe.unobservedGaps > 0 ? `; without market data (left out, the bucket after each gap carrying its return): ${esc(unobservedText(r.sharpe))}` : ""}. SE and PSR (hac) are Lo's (2002) GMM standard error for autocorrelated returns: a Newey–West (Bartlett) long-run covariance of the mean and variance moments over the Lo lags; the i.i.d. (Mertens) figures are in the JSON too. The window's max DD is measured on bucket-end equity; the drawdown table below uses every equity sample, so it can only be deeper.</p>`,
  );
  if (r.sharpe.logged) {
    out.push(
      `<p class="muted">Logged by the trader: sharpe_all ${fmtNum(r.sharpe.logged.sharpeAll, 2)}; per-fill ${fmtNum(r.sharpe.logged.originalPerFillSharpe, 2)} (${esc(r.sharpe.logged.label)}).</p>`,
    );
  }
  out.push(
    tableHtml(
      ["drawdown", "value"],
      [
        ["max", `${fmtPctFrac(d.maxDrawdownFrac, 3)} (${fmtNum(d.maxDrawdownAbs, 4 + x)} ${esc(cur)})`],
        ["peak → trough", esc(`${fmtTs(d.peakTsMs)} → ${fmtTs(d.troughTsMs)}`)],
        ["longest underwater", esc(fmtDuration(d.longestUnderwaterSecs))],
        ["current", fmtPctFrac(d.currentDrawdownFrac, 3)],
      ],
    ),
  );
  out.push("</div></div></section>");

  out.push(`<section id="edge"><h2>Edge validation (realized vs predicted, bps)</h2><div class="row"><div>`);
  out.push(edgeHistogramSvg(r.edge.horizons));
  out.push(`</div><div>`);
  out.push(
    tableHtml(
      [
        "horizon",
        "n",
        "n_eff",
        "realized",
        `${pct(r.edge.verdictCiLevel)}% CI (robust)`,
        "t (robust)",
        "p-value (H1: edge > 0, robust)",
        "t (iid)",
        "predicted",
        "bias",
        "bias t (robust)",
        "verdict",
      ],
      r.edge.horizons.map((h) => [
        esc(fmtHorizon(h.horizonMs)),
        fmtInt(h.n),
        h.effectiveN === null ? "n/a" : fmtInt(Math.round(h.effectiveN)),
        fmtNum(h.meanRealizedBps, 3),
        h.verdictCiBps ? `${fmtNum(h.verdictCiBps[0], 3)} – ${fmtNum(h.verdictCiBps[1], 3)}` : "n/a",
        fmtNum(h.tStatOverlap, 2),
        esc(fmtP(h.pValueOverlap)),
        fmtNum(h.tStat, 2),
        fmtNum(h.meanPredictedBps, 3),
        fmtNum(h.biasBps, 3),
        fmtNum(h.biasTStatOverlap, 2),
        esc(h.verdict),
      ]),
    ),
  );
  out.push(
    `<p class="muted">${fmtInt(r.edge.fills)} fills; mean fee ${fmtNum(r.edge.meanFeeBps, 3)} bps; mean realized spread ${fmtNum(r.edge.meanRealizedSpreadBps, 3)} bps. Robust: standard errors robust to overlapping markouts (fills closer than the horizon share the mid's move; Bartlett weights over twice the horizon) — the verdict uses them; n_eff is the number of independent fills the sample is worth; iid: the test that treats fills as independent. The ${pct(r.edge.verdictCiLevel)}% CI is the verdict's rule: POSITIVE/NEGATIVE edge when it lies above/below 0 (one-sided tests at ${fmtNum((1 - r.edge.verdictCiLevel) / 2, 3)} each).</p>`,
  );
  out.push("</div></div></section>");

  out.push(
    `<section id="attribution"><h2>Per-signal attribution <span class="muted">(${esc(r.attribution.source)})</span></h2><div class="row"><div>`,
  );
  out.push(signalBarsSvg(r.attribution.signals));
  out.push(`</div><div>`);
  out.push(
    tableHtml(
      [
        "signal",
        "active bps",
        "inactive bps",
        "marginal",
        "t (robust)",
        "p (robust)",
        "t (iid)",
        "slope bps/bps",
        "n active",
        "n inactive",
      ],
      r.attribution.signals.map((a) => [
        esc(a.signal),
        fmtNum(a.activePnlBps, 3),
        fmtNum(a.inactivePnlBps, 3),
        fmtSigned(a.marginalValueBps, 3),
        fmtNum(a.tStatOverlap, 2),
        esc(fmtP(a.pValueOverlap)),
        fmtNum(a.tStat, 2),
        fmtNum(a.slopeBpsPerBps, 4),
        fmtInt(a.nActive),
        fmtInt(a.nInactive),
      ]),
    ),
  );
  out.push("</div></div></section>");

  out.push(`<section id="events"><h2>Kill switch and run events</h2>`);
  out.push(
    `<p>${fmtInt(r.events.total)} events, ${fmtInt(r.events.killSwitchTransitions)} kill-switch transitions.</p>`,
  );
  out.push(
    tableHtml(
      ["time", "kind", "from", "to", "reason"],
      r.events.events.map((e) => [
        esc(fmtTs(e.tsMs)),
        esc(e.kind),
        esc(e.from ?? ""),
        esc(e.to ?? ""),
        esc(e.reason ?? ""),
      ]),
    ),
  );
  out.push("</section>");

  out.push(`<section id="inputs"><h2>Inputs</h2>`);
  out.push(
    tableHtml(
      ["file", "present", "bytes", "records", "used", "bad lines"],
      r.inputs.map((f) => [
        esc(f.file),
        !f.present
          ? '<span class="FAIL">MISSING</span>'
          : f.unreadable !== null
            ? `<span class="FAIL">UNREADABLE</span> <span class="muted">${esc(f.unreadable)}</span>`
            : "yes",
        fmtInt(f.bytes),
        fmtInt(f.records),
        fmtInt(f.used),
        fmtInt(f.badLines),
      ]),
    ),
  );
  if (r.issueCount > 0) {
    out.push(
      `<p>${fmtInt(r.issueCount)} input issue(s):</p><ul>${r.issues.map((i) => `<li><code>${esc(i.location)}</code>: ${esc(i.reason)}</li>`).join("")}</ul>`,
    );
  }
  out.push("</section></main></body></html>\n");
  return out.join("\n");
}
