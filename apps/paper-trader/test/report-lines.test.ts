/** The `=== EDGE VALIDATION REPORT ===` lines of a short hand-driven run, against hand-computed values. */
import { describe, expect, it } from "vitest";
import { edgeValidationReport } from "../src/report.js";
import type { PaperTrader } from "../src/trader.js";
import { gridTrader } from "./helpers.js";
import { sweepOurBids } from "./grid-events.js";

/**
 * 8 s of a 99.9/100.1 book (mid 100) at a maker fee of 2 bps, a seller sweeping our three 0.001
 * bids at 99.8 at +5.1 s: 51 + 1 + 29 = 81 events.
 */
function sweptRun(): PaperTrader {
  const t = gridTrader({ orderSizeBase: 0.001, makerFeeBps: 2 });
  sweepOurBids(t, 8000);
  return t;
}

const CTX = {
  stopReason: "end of input",
  outputDir: null,
  wallSeconds: 1.5,
  feedSummary: "f",
  instrument: "i",
};

function lineStarting(lines: readonly string[], prefix: string): string {
  const l = lines.find((x) => x.startsWith(prefix));
  if (l === undefined) throw new Error(`no line starting "${prefix}" in\n${lines.join("\n")}`);
  return l;
}

describe("the edge validation report's lines", () => {
  it("give the run's counts, fills, PnL terms and return as computed by hand", () => {
    const lines = edgeValidationReport(sweptRun(), CTX);
    const run = lineStarting(lines, "Run: ");
    expect(run).toContain(" market_time=8s wall=1.5s events=81 ");
    expect(run).toContain(" maker_fee_bps=2 ");
    expect(run).not.toContain("(this session)");
    expect(lines).toContain("Stop: end of input");
    expect(lines).toContain("Feed: f"); // nothing refused: no refusal note
    // 3 × 0.001 at 99.8: volume 0.2994; fees 2 bps of it = 0.00005988; capture (100 − 99.8) × 0.003
    expect(lines).toContain("fills=3 volume=0.2994 position=0.003000 avg_entry=99.8000");
    expect(lineStarting(lines, "spread_capture=")).toBe(
      "spread_capture=+0.000600 inventory_mtm=+0.000000 fees=-0.000060 total=+0.000540  (before fees: realized=+0.000000 unrealized=+0.000600)",
    );
    // total 0.00054012 on a capital of 1: 0.054 %
    expect(lines).toContain("equity=1.0005 capital=1.0000 return=0.054%");
    expect(lines).toContain("edge verdict (h=5s): INSUFFICIENT_DATA (needs >= 30 fills)");
    expect(lines.filter((l) => /^h= {0,2}\d+s n=0 INSUFFICIENT DATA$/.test(l))).toEqual([
      "h=  1s n=0 INSUFFICIENT DATA",
      "h=  5s n=0 INSUFFICIENT DATA",
      "h= 30s n=0 INSUFFICIENT DATA",
    ]);
    expect(lines).toContain("-- Kill switch: ACTIVE (all checks passed) --");
    // 8 s is far short of the signals' warm-up (200 trades, 500 book updates…)
    expect(lineStarting(lines, "signals warm-up not complete at the end (")).toMatch(
      /: every signal stayed inactive$/,
    );
  });

  it("leave out the notes that do not apply (no empty Sharpe window is 'too few', no gap, no lead, no files)", () => {
    const lines = edgeValidationReport(sweptRun(), CTX);
    expect(lines.some((l) => l.includes("fewer than 30 buckets"))).toBe(false); // every window has n=0
    expect(lines.some((l) => l.startsWith("unobserved:"))).toBe(false);
    expect(lines.some((l) => l.startsWith("Lead delivery:"))).toBe(false);
    expect(lines.some((l) => l.startsWith("arrival model:"))).toBe(false);
    expect(lines.some((l) => l.startsWith("Files:") || l.startsWith("Judge it:"))).toBe(false);
  });

  it("say when the wall time is this session's and name the output directory's files", () => {
    const lines = edgeValidationReport(sweptRun(), { ...CTX, wallThisSession: true, outputDir: "out/x" });
    expect(lineStarting(lines, "Run: ")).toContain(" wall=1.5s (this session) events=81 ");
    expect(lines).toContain("Files: out/x/ (run.json, streams, checkpoint.json)");
    expect(lines).toContain("Judge it: pnpm calibration-report -- out/x");
  });
});
