/** Hand-made inline SVG charts (no library, no network): reliability, equity/drawdown, histograms, bars. */
import type { SeriesPoint } from "./downsample.js";
import { fmtHorizon } from "./format.js";
import type { CalibrationModel, EdgeHorizonModel, SignalAttributionModel } from "./model.js";

/** Escape text for HTML/SVG content and attributes. */
export function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const n2 = (x: number): string => (Math.round(x * 100) / 100).toString();

/** Chart frame: plotting area inside margins. */
interface Frame {
  w: number;
  h: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const plotW = (f: Frame): number => f.w - f.left - f.right;
const plotH = (f: Frame): number => f.h - f.top - f.bottom;

/** "Nice" tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Tick label with just enough decimals for the tick step (k/M suffixes only for coarse steps). */
export function fmtTick(v: number, step: number): string {
  const a = Math.abs(v);
  if (step >= 1e6 && a >= 1e6) return `${n2(v / 1e6)}M`;
  if (step >= 1e3 && a >= 1e4) return `${n2(v / 1e3)}k`;
  const decimals = step > 0 ? Math.min(8, Math.max(0, Math.ceil(-Math.log10(step) + 1e-9))) : 2;
  const text = v.toFixed(
    decimals +
      (step > 0 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6 ? 1 : 0),
  );
  return text === "-0" ? "0" : text;
}

/** Ticks with labels formatted for their step. */
function labelled(ticks: number[]): { v: number; label: string }[] {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : Math.abs(ticks[0] ?? 1) || 1;
  return ticks.map((v) => ({ v, label: fmtTick(v, step) }));
}

function svgOpen(chart: string, f: Frame, label: string): string {
  return `<svg class="chart" data-chart="${chart}" role="img" aria-label="${esc(label)}" viewBox="0 0 ${f.w} ${f.h}" width="${f.w}" height="${f.h}">`;
}

function axes(
  f: Frame,
  xTicks: { v: number; x: number; label: string }[],
  yTicks: { v: number; y: number; label: string }[],
  xTitle: string,
  yTitle: string,
): string {
  const parts: string[] = [];
  const x0 = f.left;
  const y0 = f.h - f.bottom;
  parts.push(`<g class="axes" stroke="#999" stroke-width="1">`);
  parts.push(`<line x1="${x0}" y1="${y0}" x2="${f.w - f.right}" y2="${y0}"/>`);
  parts.push(`<line x1="${x0}" y1="${f.top}" x2="${x0}" y2="${y0}"/>`);
  for (const t of yTicks)
    parts.push(`<line x1="${x0}" y1="${n2(t.y)}" x2="${f.w - f.right}" y2="${n2(t.y)}" stroke="#eee"/>`);
  parts.push(`</g><g class="ticks" font-size="10" fill="#555">`);
  for (const t of xTicks)
    parts.push(`<text x="${n2(t.x)}" y="${y0 + 13}" text-anchor="middle">${esc(t.label)}</text>`);
  for (const t of yTicks)
    parts.push(`<text x="${x0 - 4}" y="${n2(t.y + 3)}" text-anchor="end">${esc(t.label)}</text>`);
  parts.push(
    `<text x="${n2(f.left + plotW(f) / 2)}" y="${y0 + 28}" text-anchor="middle" font-size="11">${esc(xTitle)}</text>`,
  );
  parts.push(
    `<text transform="translate(12 ${n2(f.top + plotH(f) / 2)}) rotate(-90)" text-anchor="middle" font-size="11">${esc(yTitle)}</text>`,
  );
  parts.push("</g>");
  return parts.join("");
}

function emptyChart(chart: string, f: Frame, message: string): string {
  return `${svgOpen(chart, f, message)}<text x="${f.w / 2}" y="${f.h / 2}" text-anchor="middle" fill="#888" font-size="13">${esc(message)}</text></svg>`;
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"];

/** Reliability diagram: observed frequency vs mean forecast per bin, marker area ∝ count, counts labelled. */
export function reliabilitySvg(curves: CalibrationModel[]): string {
  const usable = curves.filter((c) => c.status === "OK" && c.bins.some((b) => b.count > 0));
  const f: Frame = {
    w: 460,
    h: 380 + 14 * usable.length,
    left: 48,
    right: 16,
    top: 16,
    bottom: 40 + 14 * usable.length,
  };
  if (usable.length === 0) return emptyChart("reliability", f, "no resolved forecasts (INSUFFICIENT DATA)");
  const X = (p: number): number => f.left + p * plotW(f);
  const Y = (p: number): number => f.h - f.bottom - p * plotH(f);
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const parts = [svgOpen("reliability", f, "Reliability diagram")];
  parts.push(
    axes(
      f,
      ticks.map((v) => ({ v, x: X(v), label: String(v) })),
      ticks.map((v) => ({ v, y: Y(v), label: String(v) })),
      "mean forecast probability",
      "observed frequency",
    ),
  );
  parts.push(
    `<line x1="${X(0)}" y1="${Y(0)}" x2="${X(1)}" y2="${Y(1)}" stroke="#aaa" stroke-dasharray="4 3"/>`,
  );
  const maxCount = Math.max(...usable.flatMap((c) => c.bins.map((b) => b.count)), 1);
  usable.forEach((c, ci) => {
    const color = PALETTE[ci % PALETTE.length]!;
    const pts = c.bins.filter((b) => b.count > 0 && b.meanForecast !== null && b.observedFreq !== null);
    const path = pts
      .map((b, i) => `${i === 0 ? "M" : "L"}${n2(X(b.meanForecast!))} ${n2(Y(b.observedFreq!))}`)
      .join(" ");
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    for (const b of pts) {
      const r = 3 + 7 * Math.sqrt(b.count / maxCount);
      const x = X(b.meanForecast!);
      const y = Y(b.observedFreq!);
      parts.push(
        `<circle class="mark" cx="${n2(x)}" cy="${n2(y)}" r="${n2(r)}" fill="${color}" fill-opacity="${b.lowCount ? 0.25 : 0.7}" stroke="${color}"><title>${esc(`${c.label} bin ${b.lo.toFixed(2)}-${b.hi.toFixed(2)}: n=${b.count}, mean p=${b.meanForecast!.toFixed(3)}, observed=${b.observedFreq!.toFixed(3)}${b.lowCount ? " (low count)" : ""}`)}</title></circle>`,
      );
      // Counts as text only for a single curve: with several they collide (each marker's tooltip,
      // its area and the reliability tables below carry them).
      if (usable.length === 1) {
        parts.push(
          `<text class="count" x="${n2(x + r + 2)}" y="${n2(y - 2)}" font-size="9" fill="${color}">${b.count}</text>`,
        );
      }
    }
    parts.push(
      `<text class="legend" x="${f.left}" y="${f.h - 8 - (usable.length - 1 - ci) * 14}" font-size="11" fill="${color}">${esc(`${c.label} (n=${c.n}, Brier ${c.brier === null ? "n/a" : c.brier.toFixed(4)})`)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("");
}

/** Time-series chart of a downsampled series (line through last values, band from min to max). */
export function seriesSvg(
  chart: string,
  points: SeriesPoint[],
  yTitle: string,
  color: string,
  fillToZero = false,
): string {
  const f: Frame = { w: 640, h: 240, left: 64, right: 16, top: 14, bottom: 40 };
  if (points.length === 0) return emptyChart(chart, f, "no equity samples");
  const t0 = points[0]!.tsMs;
  const t1 = Math.max(points[points.length - 1]!.tsMs, t0 + 1);
  let lo = Math.min(...points.map((p) => p.min));
  let hi = Math.max(...points.map((p) => p.max));
  if (fillToZero) hi = Math.max(hi, 0);
  if (hi - lo < 1e-12) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  lo -= fillToZero && lo >= 0 ? 0 : pad;
  hi += fillToZero ? 0 : pad;
  const X = (t: number): number => f.left + ((t - t0) / (t1 - t0)) * plotW(f);
  const Y = (v: number): number => f.h - f.bottom - ((v - lo) / (hi - lo)) * plotH(f);
  const spanSec = (t1 - t0) / 1000;
  const [unitSec, unit] =
    spanSec > 2 * 86_400
      ? [86_400, "d"]
      : spanSec > 7200
        ? [3600, "h"]
        : spanSec > 120
          ? [60, "m"]
          : [1, "s"];
  const xTicks = niceTicks(0, spanSec / unitSec, 6).map((u) => ({
    v: u,
    x: X(t0 + u * unitSec * 1000),
    label: `${n2(u)}${unit}`,
  }));
  const yTicks = labelled(niceTicks(lo, hi, 5)).map((t) => ({ ...t, y: Y(t.v) }));
  const parts = [svgOpen(chart, f, yTitle), axes(f, xTicks, yTicks, "time since first sample", yTitle)];
  const band =
    points.map((p, i) => `${i === 0 ? "M" : "L"}${n2(X(p.tsMs))} ${n2(Y(p.max))}`).join(" ") +
    " " +
    [...points]
      .reverse()
      .map((p) => `L${n2(X(p.tsMs))} ${n2(Y(p.min))}`)
      .join(" ") +
    " Z";
  if (fillToZero) {
    const area = `M${n2(X(points[0]!.tsMs))} ${n2(Y(0))} ${points.map((p) => `L${n2(X(p.tsMs))} ${n2(Y(p.min))}`).join(" ")} L${n2(X(points[points.length - 1]!.tsMs))} ${n2(Y(0))} Z`;
    parts.push(`<path class="area" d="${area}" fill="${color}" fill-opacity="0.25" stroke="none"/>`);
  } else {
    parts.push(`<path class="band" d="${band}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
  }
  const line = points.map((p, i) => `${i === 0 ? "M" : "L"}${n2(X(p.tsMs))} ${n2(Y(p.value))}`).join(" ");
  parts.push(
    `<path class="line mark" data-points="${points.length}" d="${line}" fill="none" stroke="${color}" stroke-width="1.5"/>`,
  );
  parts.push("</svg>");
  return parts.join("");
}

/** Realized-edge histograms, one small panel per markout horizon, with the mean and zero marked. */
export function edgeHistogramSvg(horizons: EdgeHorizonModel[]): string {
  const panels = horizons.filter((h) => h.histogram.bins.length > 0);
  const panelW = 300;
  const panelH = 190;
  const cols = Math.min(2, Math.max(1, panels.length));
  const rows = Math.max(1, Math.ceil(panels.length / cols));
  const W = panelW * cols;
  const H = panelH * rows;
  if (panels.length === 0)
    return emptyChart(
      "edge-histogram",
      { w: 600, h: 190, left: 0, right: 0, top: 0, bottom: 0 },
      "no realized edge records",
    );
  const parts = [
    `<svg class="chart" data-chart="edge-histogram" role="img" aria-label="Realized edge histograms" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">`,
  ];
  panels.forEach((h, k) => {
    const ox = (k % cols) * panelW;
    const oy = Math.floor(k / cols) * panelH;
    const f: Frame = { w: panelW, h: panelH, left: 44, right: 10, top: 22, bottom: 34 };
    const bins = h.histogram.bins;
    const lo = bins[0]!.lo;
    const hi = bins[bins.length - 1]!.hi;
    const maxC = Math.max(...bins.map((b) => b.count), 1);
    const X = (v: number): number => f.left + ((v - lo) / (hi - lo)) * plotW(f);
    const Y = (c: number): number => f.h - f.bottom - (c / maxC) * plotH(f);
    parts.push(`<g transform="translate(${ox} ${oy})" data-horizon="${esc(h.label)}">`);
    parts.push(
      axes(
        f,
        labelled(niceTicks(lo, hi, 4)).map((t) => ({ ...t, x: X(t.v) })),
        labelled(niceTicks(0, maxC, 3)).map((t) => ({ ...t, y: Y(t.v) })),
        "realized edge (bps)",
        "fills",
      ),
    );
    parts.push(
      `<text x="${f.left}" y="14" font-size="11" font-weight="bold">${esc(`markout ${fmtHorizon(h.horizonMs)}: n=${h.n}, mean ${h.meanRealizedBps === null ? "n/a" : h.meanRealizedBps.toFixed(2)} bps`)}</text>`,
    );
    for (const b of bins) {
      if (b.count === 0) continue;
      const x = X(b.lo);
      const w = Math.max(0.5, X(b.hi) - X(b.lo) - 1);
      const color = b.hi <= 0 ? "#d62728" : b.lo >= 0 ? "#2ca02c" : "#7f7f7f";
      parts.push(
        `<rect class="mark" x="${n2(x)}" y="${n2(Y(b.count))}" width="${n2(w)}" height="${n2(Y(0) - Y(b.count))}" fill="${color}" fill-opacity="0.75"><title>${esc(`[${b.lo.toFixed(2)}, ${b.hi.toFixed(2)}) bps: ${b.count}`)}</title></rect>`,
      );
    }
    if (lo < 0 && hi > 0)
      parts.push(
        `<line x1="${n2(X(0))}" y1="${f.top}" x2="${n2(X(0))}" y2="${f.h - f.bottom}" stroke="#333" stroke-dasharray="3 2"/>`,
      );
    if (h.meanRealizedBps !== null && h.meanRealizedBps >= lo && h.meanRealizedBps <= hi) {
      parts.push(
        `<line x1="${n2(X(h.meanRealizedBps))}" y1="${f.top}" x2="${n2(X(h.meanRealizedBps))}" y2="${f.h - f.bottom}" stroke="#1f77b4" stroke-width="2"/>`,
      );
    }
    parts.push("</g>");
  });
  parts.push("</svg>");
  return parts.join("");
}

/** A signal's marginal-value t: the overlap-robust one when the logs have it, else Welch's. */
function tOf(s: SignalAttributionModel): number | null {
  return s.tStatOverlap ?? s.tStat;
}

/** Horizontal bars of per-signal marginal PnL (bps) with ±1.96·SE whiskers (SE = marginal / t). */
export function signalBarsSvg(signals: SignalAttributionModel[]): string {
  const rows = signals.filter((s) => s.marginalValueBps !== null);
  const rowH = 26;
  const f: Frame = {
    w: 560,
    h: 50 + rowH * Math.max(1, rows.length),
    left: 130,
    right: 20,
    top: 10,
    bottom: 40,
  };
  if (rows.length === 0) return emptyChart("signal-bars", f, "no per-signal attribution");
  const whisker = (s: SignalAttributionModel): number | null =>
    tOf(s) !== null && tOf(s) !== 0 && s.marginalValueBps !== null
      ? Math.abs((1.96 * s.marginalValueBps) / tOf(s)!)
      : null;
  let lo = Math.min(0, ...rows.map((s) => s.marginalValueBps! - (whisker(s) ?? 0)));
  let hi = Math.max(0, ...rows.map((s) => s.marginalValueBps! + (whisker(s) ?? 0)));
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const X = (v: number): number => f.left + ((v - lo) / (hi - lo)) * plotW(f);
  const parts = [svgOpen("signal-bars", f, "Per-signal marginal PnL")];
  parts.push(
    axes(
      f,
      labelled(niceTicks(lo, hi, 5)).map((t) => ({ ...t, x: X(t.v) })),
      [],
      "marginal PnL per fill (bps), active − inactive, ±95% CI",
      "",
    ),
  );
  rows.forEach((s, i) => {
    const y = f.top + 8 + i * rowH;
    const v = s.marginalValueBps!;
    const x0 = X(Math.min(0, v));
    const w = Math.max(1, Math.abs(X(v) - X(0)));
    parts.push(
      `<text x="${f.left - 6}" y="${y + 13}" text-anchor="end" font-size="11">${esc(s.signal)}</text>`,
    );
    parts.push(
      `<rect class="mark" x="${n2(x0)}" y="${y}" width="${n2(w)}" height="${rowH - 8}" fill="${v >= 0 ? "#2ca02c" : "#d62728"}" fill-opacity="0.75"><title>${esc(`${s.signal}: ${v.toFixed(3)} bps, t=${tOf(s) === null ? "n/a" : tOf(s)!.toFixed(2)}, n=${s.nActive}/${s.nInactive}`)}</title></rect>`,
    );
    const wk = whisker(s);
    if (wk !== null) {
      const yc = y + (rowH - 8) / 2;
      parts.push(`<line x1="${n2(X(v - wk))}" y1="${yc}" x2="${n2(X(v + wk))}" y2="${yc}" stroke="#333"/>`);
    }
  });
  parts.push(`<line x1="${n2(X(0))}" y1="${f.top}" x2="${n2(X(0))}" y2="${f.h - f.bottom}" stroke="#333"/>`);
  parts.push("</svg>");
  return parts.join("");
}
