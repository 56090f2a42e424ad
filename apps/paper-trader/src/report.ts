/** The shutdown `=== EDGE VALIDATION REPORT ===`, built from the trader's trackers. */
import { type CalibrationReport, confidenceInterval } from "@mmkit/analytics";
import { fmtOpt as num, fmtOptUnit, moneyExtraDecimals, priceText, signed } from "./logging.js";
import type { PaperTrader } from "./trader.js";

/** Buckets below which a window's Sharpe is flagged (the calibration report's default minimum). */
const FEW_SHARPE_BUCKETS = 30;

/** Inputs the report needs beside the trader. */
export interface ReportContext {
  stopReason: string;
  outputDir: string | null;
  wallSeconds: number;
  /** The wall time covers this session only (a resumed run; the other counts are the whole run's). */
  wallThisSession?: boolean;
  feedSummary: string;
  /** What was traded and on which grid ({@link instrumentText}). */
  instrument: string;
}

/** Render the final report as text lines. */
export function edgeValidationReport(trader: PaperTrader, ctx: ReportContext): string[] {
  const p = trader.p;
  const c = trader.counters;
  const pnl = p.exchange.pnl();
  const ts = c.lastTsMs;
  const marketSec = c.firstTsMs === null ? 0 : (c.lastTsMs - c.firstTsMs) / 1000;
  const x = moneyExtraDecimals(p.capitalQuote);
  const sgn = (v: number): string => signed(v, 4 + x);
  const out: string[] = [];
  const line = "=".repeat(72);
  out.push(line, "=== EDGE VALIDATION REPORT ===", line);
  out.push(
    `Run: source=${p.config.source} fill_model=${p.exchange.fillModel.name} seed=${p.config.seed} market_time=${marketSec.toFixed(0)}s wall=${ctx.wallSeconds.toFixed(1)}s${ctx.wallThisSession === true ? " (this session)" : ""} events=${c.events} cycles=${c.cycles} maker_fee_bps=${p.exchange.config.makerFeeBps} taker_fee_bps=${p.exchange.config.takerFeeBps}`,
  );
  out.push(`Instrument: ${ctx.instrument}`);
  out.push(`Stop: ${ctx.stopReason}`);
  const refused = p.exchange.rejectedBookEvents;
  const refusedPrints = p.exchange.rejectedTradeEvents;
  out.push(
    `Feed: ${ctx.feedSummary}${refused === 0 ? "" : `; paper exchange refused ${refused} book update(s) (crossed or invalid levels: not fresh data)`}${refusedPrints === 0 ? "" : `; paper exchange refused ${refusedPrints} trade print(s) more than ${p.exchange.config.printBandFactor}× from the mid (corrupt data: no fills, no estimator input)`}`,
  );
  const late = trader.leadDelay;
  if (late.lateFrames > 0)
    out.push(
      `Lead delivery: ${late.lateFrames} of ${late.frames} frame(s) more than ${late.lateMs / 1000} s late (max ${(late.maxExcessMs / 1000).toFixed(1)} s); LeadLag took them as of their venue stamps`,
    );
  out.push("");
  out.push(`-- Fills and PnL (${p.quoteCurrency === "quote" ? "quote currency" : p.quoteCurrency}) --`);
  out.push(
    `fills=${c.fills} volume=${pnl.volumeQuote.toFixed(2 + x)} position=${pnl.positionBase.toFixed(6)} avg_entry=${priceText(pnl.avgEntryPrice)}`,
  );
  out.push(
    `spread_capture=${sgn(pnl.spreadCaptureQuote)} inventory_mtm=${sgn(pnl.inventoryMtmQuote)} fees=${sgn(-pnl.feesQuote)} total=${sgn(pnl.totalPnlQuote)}  (before fees: realized=${sgn(pnl.realizedPnlQuote)} unrealized=${sgn(pnl.unrealizedPnlQuote)})`,
  );
  out.push(
    `equity=${pnl.equityQuote.toFixed(2 + x)} capital=${p.capitalQuote.toFixed(2 + x)} return=${pct(pnl.totalPnlQuote / p.capitalQuote)}`,
  );
  const os = trader.orders.stats;
  out.push(
    `orders: placed=${os.placed} modified=${os.modified} kept=${os.kept} cancelled=${os.cancelled} rejected=${os.rejected} held_by_position_limit=${os.limited} (placements or size increases not sent: the position could pass ±max_position if every open order on that side filled)`,
  );
  const dd = trader.drawdown.state();
  out.push(
    `max_drawdown=${dd === null ? "n/a" : `${pct(dd.maxDrawdownFrac ?? Number.NaN)} (${dd.maxDrawdownAbs.toFixed(4 + x)}), longest underwater ${(dd.maxDurationMs / 1000).toFixed(0)}s`}`,
  );
  out.push("");
  out.push("-- Sharpe (time-bucketed returns on capital, annualized on 365 d; SE = standard error) --");
  const s = trader.sharpe.summary(ts);
  for (const w of s.windows) {
    out.push(
      `${w.window.padEnd(4)} n=${String(w.n).padStart(6)} sharpe=${num(w.sharpe_annualized)} se=${num(w.sharpe_se_annualized)} lo_adjusted=${num(w.lo_sharpe_annualized)} psr=${num(w.psr, 3)} se_hac=${num(w.sharpe_se_hac_annualized ?? null)} psr_hac=${num(w.psr_hac ?? null, 3)} mean=${fmtOptUnit(w.mean_return_bps, "bps", 4)} std=${fmtOptUnit(w.std_return_bps, "bps", 4)}`,
    );
  }
  const few = s.windows.filter((w) => w.n > 0 && w.n < FEW_SHARPE_BUCKETS).map((w) => w.window);
  if (few.length > 0)
    out.push(
      `(${few.join(", ")}: fewer than ${FEW_SHARPE_BUCKETS} buckets, too few for a Sharpe to mean much; the calibration report needs ${FEW_SHARPE_BUCKETS} by default)`,
    );
  out.push(
    `bucket=${s.bucket_secs}s; original per-fill figure (for comparison only, not a Sharpe): ${num(s.original_per_fill_sharpe)}`,
  );
  const unobserved = s.unobserved_buckets ?? 0;
  if (unobserved > 0)
    out.push(
      `unobserved: ${unobserved} whole bucket(s) without market data left out`,
      "(not counted flat; the bucket after a gap carries its return; see data_gap in events.jsonl)",
    );
  out.push("");
  out.push(
    "-- Edge: realized vs predicted (bps per fill, net of fees; t-test H1: edge > 0 treating fills as independent; robust: the same with standard errors robust to overlapping markouts, which the verdict uses; n_eff = independent fills the sample is worth; ciNN: the CI at the verdict's level, which calls an edge positive/negative when it lies above/below 0) --",
  );
  const e = trader.edge.report();
  const level = 1 - 2 * e.alpha;
  const ciLabel = `ci${Math.round(level * 1000) / 10}`;
  const ci = (c: [number, number] | null): string => (c ? `[${num(c[0], 3)}, ${num(c[1], 3)}]` : "n/a");
  for (const h of e.horizons) {
    const t = h.edgeTest;
    const b = h.biasTest;
    const rt = h.edgeTestOverlap;
    const rb = h.biasTestOverlap;
    out.push(
      `h=${(h.horizonMs / 1000).toString().padStart(3)}s n=${String(h.n).padStart(6)} realized=${num(h.meanRealizedEdgeBps, 3)} predicted=${num(h.meanPredictedEdgeBps, 3)} ${ciLabel}=${ci(t ? confidenceInterval(t, level) : null)} t=${num(t?.t ?? null)} p=${num(t?.p ?? null, 4)} bias(pred-real)=${num(h.meanBiasBps, 3)} bias_p=${num(b?.p ?? null, 4)} robust: n_eff=${num(h.effectiveN, 0)} ${ciLabel}=${ci(h.verdictInterval)} t=${num(rt?.t ?? null)} p=${num(rt?.p ?? null, 4)} bias_p=${num(rb?.p ?? null, 4)} ${h.verdict}`,
    );
  }
  out.push(
    `edge verdict (h=${(e.primaryHorizonMs ?? 0) / 1000}s): ${e.verdict}${e.verdict === "INSUFFICIENT_DATA" ? ` (needs >= ${e.minSamples} fills)` : ""}`,
  );
  out.push("");
  out.push(
    "-- Per-signal attribution (fills' realized edge at 5 s, active vs inactive cycles; Welch t; robust_t/robust_p: with standard errors robust to overlapping markouts) --",
  );
  const sp = trader.attributor.summary(ts);
  const names = Object.keys(sp.signals);
  if (names.length === 0) out.push("(no attributed fills)");
  for (const name of names) {
    const st = sp.signals[name]!;
    out.push(
      `${name.padEnd(16)} active=${num(st.active_pnl_bps, 3)} (n=${st.n_active}) inactive=${num(st.inactive_pnl_bps, 3)} (n=${st.n_inactive}) marginal=${fmtOptUnit(st.marginal_value_bps, "bps", 3)} t=${num(st.t_stat)} p=${num(st.p_value, 4)} robust_t=${num(st.t_stat_overlap ?? null)} robust_p=${num(st.p_value_overlap ?? null, 4)} slope=${num(st.slope_bps_per_bps, 4)}`,
    );
  }
  const perSignal = trader.perSignalSharpe.summaries(ts);
  const ps = Object.entries(perSignal)
    .map(([n, x]) => `${n}=${num(x.sharpe_all)}`)
    .join(" ");
  out.push(`per-signal Sharpe(all): ${ps === "" ? "n/a" : ps}`);
  const warmup = trader.p.signals.warmup;
  if (!warmup.complete)
    out.push(
      `signals warm-up not complete at the end (${warmup.note()}; ${warmup.logLine().replace(/^\[WARMUP\] progress=\d+% /, "")}): every signal stayed inactive`,
    );
  out.push("");
  out.push("-- Calibration of fill-probability predictions (Brier; lower is better) --");
  for (const [h, cal] of trader.calibration) {
    const r = cal.report();
    out.push(`h=${(h / 1000).toString().padStart(3)}s ${calibrationLine(r)}`);
  }
  const empirical = trader.counters.empiricalPredictions;
  if (empirical > 0)
    out.push(
      `arrival model: ${empirical} orders' forecasts used the tape's measured arrival curve (A·e^-κδ fit not usable); the calibration report scores each model apart`,
    );
  out.push("");
  out.push(`-- Kill switch: ${p.killSwitch.state().toUpperCase()} (${p.killSwitch.reason()}) --`);
  for (const t of p.killSwitch.transitions().slice(-5)) {
    out.push(`  ${new Date(t.tsMs).toISOString()} ${t.from} -> ${t.to}: ${t.reason}`);
  }
  out.push("");
  if (ctx.outputDir !== null) {
    const st = p.out?.stats();
    out.push(
      `Files: ${ctx.outputDir}/ (run.json, ${
        st
          ? Object.keys(st.streams)
              .map((k) => `${k}.jsonl`)
              .join(", ")
          : "streams"
      }, checkpoint.json)`,
    );
    if (st !== undefined) {
      const problems = Object.entries(st.streams).filter(
        ([, x]) => x.invalid + x.dropped + x.writeErrors > 0,
      );
      for (const [k, x] of problems) {
        out.push(
          `  WARNING ${k}: ${x.invalid} invalid, ${x.dropped} dropped, ${x.writeErrors} write errors (${x.lastError})`,
        );
      }
    }
    out.push(`Judge it: pnpm calibration-report -- ${ctx.outputDir}`);
  }
  out.push(line);
  return out;
}

function calibrationLine(r: CalibrationReport | null): string {
  if (r === null) return "n=0 INSUFFICIENT DATA";
  return `n=${r.n} brier=${r.brier.toFixed(4)} reliability=${r.reliability.toFixed(4)} resolution=${r.resolution.toFixed(4)} uncertainty=${r.uncertainty.toFixed(4)} skill=${num(r.brierSkill, 3)} log_loss=${r.logLoss.toFixed(4)} base_rate=${r.baseRate.toFixed(3)}`;
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(3)}%` : "n/a";
}
