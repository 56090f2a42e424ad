import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCriteria } from "../src/criteria.js";
import { buildReport } from "../src/build-report.js";
import { main } from "../src/main.js";
import { renderText } from "../src/render-text.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { T0, tempDirs, writeRunDir } from "./run-dir.js";

const S = 1000;

/** Student t CDF for df = 3 in closed form: 1/2 + (1/π)[ x/(1+x²) + atan x ], x = t/√3. */
function tCdf3(t: number): number {
  const x = t / Math.sqrt(3);
  return 0.5 + (x / (1 + x * x) + Math.atan(x)) / Math.PI;
}
/** Φ via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
/** t_{0.975, 3} (table value). */
const T975_DF3 = 3.182446305284263;

const tmp = tempDirs("golden");

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) },
    out,
    err,
  };
}

describe("golden run", () => {
  it("gives exactly the hand-derived figures and a GO verdict", async () => {
    const dir = await writeRunDir(await tmp("go"), goldenFiles());
    const r = await buildReport(dir, { criteria: parseCriteria(GOLDEN_CRITERIA) });

    // run summary: span = first record (t0) .. last record (t0 + 330 s)
    expect(r.summary.runId).toBe("golden-1");
    expect(r.summary.startTsMs).toBe(T0);
    expect(r.summary.endTsMs).toBe(T0 + 330 * S);
    expect(r.summary.spanSecs).toBe(330);
    expect(r.summary.fills).toBe(4);
    expect(r.summary.buyFills).toBe(2);
    expect(r.summary.sellFills).toBe(2);
    // volume: 0.01 + 0.02 + 0.01 + 0.005 = 0.045 base; 600 + 1200.2 + 599.9 + 300.1 = 2700.2 quote
    expect(r.summary.volumeBase).toBeCloseTo(0.045, 12);
    expect(r.summary.volumeQuote).toBeCloseTo(2700.2, 9);
    expect(r.summary.feesQuote).toBeCloseTo(0.54, 12);
    expect(r.summary.netPnlQuote).toBe(60);
    expect(r.missing).toEqual(["signal_pnl.jsonl"]);
    expect(r.issueCount).toBe(0);

    // Sharpe: returns .001 .002 −.001 .003 .001 → mean 12 bps, deviations (−2, 8, −22, 18, −2) bps,
    // Σd² = 880 → var = 880/4 = 220 bps², SR/period = 12/√220, annualized × √(365·1440 = 525 600)
    const all = r.sharpe.windows.find((w) => w.window === "all")!;
    expect(all.n).toBe(5);
    expect(all.meanReturnBps).toBeCloseTo(12, 9);
    expect(all.stdReturnBps).toBeCloseTo(Math.sqrt(220), 9);
    const srAnn = (12 / Math.sqrt(220)) * Math.sqrt(525_600);
    expect(all.sharpeAnnualized).toBeCloseTo(srAnn, 6);
    // PSR (Bailey & López de Prado, raw kurtosis): population moments of d = (−2, 8, −22, 18, −2):
    // m2 = 880/5 = 176, m3 = −4320/5 = −864, m4 = 343 360/5 = 68 672 → γ3 = −864/176^1.5, γ4 = 68 672/176²
    const sr = 12 / Math.sqrt(220);
    const g3 = -864 / 176 ** 1.5;
    const g4 = 68_672 / 176 ** 2;
    const v = 1 - g3 * sr + ((g4 - 1) / 4) * sr * sr;
    expect(all.psr).toBeCloseTo(normalCdf((sr * Math.sqrt(5 - 1)) / Math.sqrt(v)), 6);
    // SE (Mertens, over n returns), annualized by √P
    expect(all.sharpeSeAnnualized).toBeCloseTo(Math.sqrt(v / 5) * Math.sqrt(525_600), 6);
    expect(r.sharpe.logged?.sharpeAll).toBe(999); // the logged figure is shown, not used
    expect(r.sharpe.periodsPerYear).toBe(525_600);

    // drawdown: peak 10 030 (t0+90 s) → 10 020 (t0+150 s): 10 / 10 030; underwater 60 s
    expect(r.drawdown.maxDrawdownAbs).toBe(10);
    expect(r.drawdown.maxDrawdownFrac).toBeCloseTo(10 / 10_030, 12);
    expect(r.drawdown.peakTsMs).toBe(T0 + 90 * S);
    expect(r.drawdown.troughTsMs).toBe(T0 + 150 * S);
    expect(r.drawdown.longestUnderwaterSecs).toBe(60);

    // calibration at 1 s: five p=.15 (1 fill) and five p=.75 (4 fills); one censored excluded.
    // BS = [0.85² + 4·0.15² + 4·0.25² + 0.75²]/10 = (0.7225 + 0.09 + 0.25 + 0.5625)/10 = 0.1625
    // REL = [5·0.05² + 5·0.05²]/10 = 0.0025; RES = [5·0.3² + 5·0.3²]/10 = 0.09; UNC = 0.5·0.5 = 0.25
    const c1 = r.calibration.fill.find((c) => c.horizonMs === 1000)!;
    expect(c1.n).toBe(10);
    expect(c1.censored).toBe(1);
    expect(c1.brier).toBeCloseTo(0.1625, 12);
    expect(c1.reliability).toBeCloseTo(0.0025, 12);
    expect(c1.resolution).toBeCloseTo(0.09, 12);
    expect(c1.uncertainty).toBeCloseTo(0.25, 12);
    expect(c1.reliability! - c1.resolution! + c1.uncertainty!).toBeCloseTo(c1.brier!, 12);
    expect(c1.skill).toBeCloseTo(1 - 0.1625 / 0.25, 12);
    expect(c1.brierCiFrom).toBe(10);
    expect(c1.brierCi95![0]).toBeLessThanOrEqual(0.1625);
    expect(c1.brierCi95![1]).toBeGreaterThanOrEqual(0.1625);
    const ll = -(Math.log(0.15) + 4 * Math.log(0.85) + 4 * Math.log(0.75) + Math.log(0.25)) / 10;
    expect(c1.logLoss).toBeCloseTo(ll, 9);
    expect(c1.bins.filter((b) => b.count > 0).map((b) => [b.count, b.observedFreq])).toEqual([
      [5, 0.2],
      [5, 0.8],
    ]);
    // 100 ms: 11 forecasts of 0.05, none filled → BS = 0.05² = 0.0025
    const c100 = r.calibration.fill.find((c) => c.horizonMs === 100)!;
    expect(c100.n).toBe(11);
    expect(c100.brier).toBeCloseTo(0.0025, 12);
    // adverse: p = 0.4 on the 5 fills, outcomes T F T F F → (2·0.36 + 3·0.16)/5 = 0.24
    expect(r.calibration.adverse.n).toBe(5);
    expect(r.calibration.adverse.brier).toBeCloseTo(0.24, 12);

    // edge at 1 s: realized 2, 4, −1, 3 → mean 2, Σd² = 0+4+9+1 = 14, s = √(14/3), t = 2/(s/2)
    const e1 = r.edge.horizons.find((h) => h.horizonMs === 1000)!;
    const s1 = Math.sqrt(14 / 3);
    const t1 = 2 / (s1 / 2);
    expect(e1.n).toBe(4);
    expect(e1.meanRealizedBps).toBeCloseTo(2, 12);
    expect(e1.tStat).toBeCloseTo(t1, 9);
    expect(e1.pValue).toBeCloseTo(1 - tCdf3(t1), 6);
    expect(e1.ci95Bps![0]).toBeCloseTo(2 - T975_DF3 * (s1 / 2), 6);
    expect(e1.ci95Bps![1]).toBeCloseTo(2 + T975_DF3 * (s1 / 2), 6);
    // the fills are a minute apart: no markout overlaps another, so the robust test is the i.i.d. one
    expect(e1.effectiveN).toBeCloseTo(4, 9);
    expect(e1.tStatOverlap).toBeCloseTo(t1, 9);
    expect(e1.ci95BpsOverlap![0]).toBeCloseTo(e1.ci95Bps![0], 9);
    // bias = predicted 1.5 − realized: −0.5, −2.5, 2.5, −1.5 → mean −0.5
    expect(e1.biasBps).toBeCloseTo(-0.5, 12);
    expect(e1.meanPredictedBps).toBeCloseTo(1.5, 12);
    expect(e1.verdict).toBe("NO_SIGNIFICANT_EDGE"); // 4 ≥ minEdgeSamples 2; p ≈ 0.08 > α = 0.05
    expect(e1.histogram.total).toBe(4);
    const e10 = r.edge.horizons.find((h) => h.horizonMs === 10_000)!;
    expect(e10.meanRealizedBps).toBeCloseTo(1, 12);

    // attribution (recomputed): knife active in cycle 1 (fills 2, 4 bps), inactive in cycle 2 (−1, 3)
    // marginal = 3 − 1 = 2; Welch se = √(2/2 + 8/2) = √5, t = 2/√5
    expect(r.attribution.source).toMatch(/recomputed/);
    const knife = r.attribution.signals.find((s) => s.signal === "knife")!;
    expect(knife.activePnlBps).toBeCloseTo(3, 12);
    expect(knife.inactivePnlBps).toBeCloseTo(1, 12);
    expect(knife.marginalValueBps).toBeCloseTo(2, 12);
    expect(knife.tStat).toBeCloseTo(2 / Math.sqrt(5), 9);
    expect(knife.nActive).toBe(2);
    const regime = r.attribution.signals.find((s) => s.signal === "regime")!;
    expect(regime.nActive).toBe(4);
    expect(regime.marginalValueBps).toBeNull();

    // events
    expect(r.events.total).toBe(3);
    expect(r.events.killSwitchTransitions).toBe(2);
    expect(r.events.events[1]).toEqual({
      tsMs: T0 + 160 * S,
      kind: "kill_switch",
      from: "normal",
      to: "reduce_only",
      reason: "drawdown",
    });

    // verdict
    expect(r.verdict.overall).toBe("GO");
    expect(r.verdict.exitCode).toBe(0);
    expect(r.verdict.criteria.map((c) => [c.id, c.status])).toEqual([
      ["sharpe", "PASS"],
      ["brier", "PASS"],
      ["drawdown", "PASS"],
      ["fills", "PASS"],
      ["edge", "PASS"],
    ]);
    expect(r.verdict.criteria[4]!.detail).toMatch(
      /^not significantly negative: mean 2\.000 bps over 4 fills, 90% CI \[/,
    );

    // terminal report: every line within 72 columns, key figures present
    const text = renderText(r);
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(72);
    expect(text).toContain("VERDICT: GO");
    expect(text).toContain("Brier 0.1625");
  });

  it("NO-GO when the drawdown breaches 3% (equity dips to 9 500)", async () => {
    const dir = await writeRunDir(await tmp("nogo"), goldenFiles({ dip: true }));
    const r = await buildReport(dir, { criteria: parseCriteria(GOLDEN_CRITERIA) });
    // peak 10 030 → 9 500: 530 / 10 030 = 5.284%
    expect(r.drawdown.maxDrawdownFrac).toBeCloseTo(530 / 10_030, 12);
    const ddc = r.verdict.criteria.find((c) => c.id === "drawdown")!;
    expect(ddc.status).toBe("FAIL");
    expect(ddc.value).toBeCloseTo((530 / 10_030) * 100, 9);
    expect(r.verdict.overall).toBe("NO-GO");
    expect(r.verdict.exitCode).toBe(1);
  });

  it("INSUFFICIENT DATA with the default 5,000-fill minimum and no predictions", async () => {
    const files = goldenFiles();
    delete files.predictions;
    const dir = await writeRunDir(await tmp("insuff"), files);
    const r = await buildReport(dir);
    expect(r.calibration.fill).toEqual([]);
    expect(r.calibration.adverse.status).toBe("INSUFFICIENT DATA");
    expect(r.calibration.adverse.brier).toBeNull();
    const brier = r.verdict.criteria.find((c) => c.id === "brier")!;
    expect(brier.status).toBe("INSUFFICIENT DATA");
    expect(brier.value).toBeNull(); // never a perfect-looking 0
    expect(r.verdict.criteria.find((c) => c.id === "fills")!.status).toBe("INSUFFICIENT DATA");
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
    expect(r.verdict.exitCode).toBe(3);
    expect(r.missing).toContain("predictions.jsonl");
  });

  it("--since/--until restrict every stream", async () => {
    const dir = await writeRunDir(await tmp("range"), goldenFiles());
    // keep t0+60 s .. t0+180 s: equity samples at 90 s and 150 s (10 030 → 10 020), fills 2 and 3
    const r = await buildReport(dir, {
      criteria: parseCriteria(GOLDEN_CRITERIA),
      timeRange: { sinceMs: T0 + 60 * S, untilMs: T0 + 180 * S },
    });
    expect(r.summary.fills).toBe(2);
    expect(r.summary.volumeQuote).toBeCloseTo(1200.2 + 599.9, 9);
    expect(r.summary.netPnlQuote).toBe(-10);
    expect(r.edge.fills).toBe(2);
    expect(r.events.total).toBe(1);
  });
});

describe("CLI exit codes (main)", () => {
  it("0 = GO, 1 = NO-GO, 3 = insufficient, and writes JSON + HTML", async () => {
    const goDir = await writeRunDir(await tmp("cli-go"), goldenFiles());
    const flags = [
      "--min-fills",
      "4",
      "--min-sharpe-samples",
      "5",
      "--min-predictions",
      "10",
      "--min-brier-outcomes",
      "3",
      "--min-edge-samples",
      "2",
      "--edge-criterion",
      "not_negative",
    ];
    const jsonOut = join(goDir, "report.json");
    const htmlOut = join(goDir, "report.html");
    const c = capture();
    expect(await main([goDir, ...flags, "--json", jsonOut, "--html", htmlOut], c.io)).toBe(0);
    expect(c.out.join("")).toContain("VERDICT: GO");
    const { readFile } = await import("node:fs/promises");
    const model = JSON.parse(await readFile(jsonOut, "utf8"));
    expect(model.verdict.overall).toBe("GO");
    expect(model.criteria.minFills).toBe(4);
    const html = await readFile(htmlOut, "utf8");
    expect(html).toContain('data-chart="reliability"');
    expect(html).not.toMatch(/https?:\/\//);

    const noGoDir = await writeRunDir(await tmp("cli-nogo"), goldenFiles({ dip: true }));
    expect(await main([noGoDir, ...flags, "-q"], capture().io)).toBe(1);
    expect(await main([goDir, "-q"], capture().io)).toBe(3);
    // `pnpm calibration-report -- DIR …` forwards the "--"
    expect(await main(["--", noGoDir, ...flags, "-q"], capture().io)).toBe(1);
    // criteria file: Brier must be < 0.15 → 0.1625 fails
    const { writeFile } = await import("node:fs/promises");
    const crit = join(goDir, "crit.json");
    await writeFile(crit, JSON.stringify({ ...GOLDEN_CRITERIA, maxBrier: 0.15 }));
    expect(await main([goDir, "--criteria", crit, "-q"], capture().io)).toBe(1);
  });

  it("2 = usage or input error, one clear line", async () => {
    for (const argv of [
      ["--bogus"],
      ["--min-sharpe", "abc"],
      ["a", "b"],
      ["/nonexistent/dir/xyz"],
      ["--since", "yesterday"],
      ["--max-brier", "5"],
      ["--criteria", "/nonexistent.json"],
      ["--min-fills"], // a valued flag without its value is not silently the default
      ["--max-brier", "--quiet"],
      ["--min-fills", "10", "--min-fills", "20"], // given twice
      ["--json", "a.json", "--json", "b.json"],
      ["-q", "--quiet"], // an alias is the same flag
      ["--minSharpe", "1", "--min-sharpe", "2"], // camelCase is the same flag
      ["--json", "-"],
    ]) {
      const c = capture();
      expect(await main(argv, c.io), argv.join(" ")).toBe(2);
      const err = c.err.join("");
      expect(err.trim().split("\n")).toHaveLength(1);
      expect(err).toMatch(/^calibration-report: /);
    }
    // an unknown flag is named once, as typed; a directory with no run files is an input error
    for (const [argv, message] of [
      [["--min-sharp", "1"], "calibration-report: unknown flag(s): --min-sharp (see --help)\n"],
      // an impossible date is refused, not rolled over into March; epoch seconds are not read as 1970 ms
      [
        ["--since", "2025-02-30"],
        'calibration-report: --since: "2025-02-30" is not a calendar date/time: day 30 does not exist in 2025-02 (28 days)\n',
      ],
      [
        ["--until", "1723161256"],
        "calibration-report: --until: 1723161256 looks like epoch seconds (2024-08-08T23:54:16Z); give epoch ms (1723161256000) or an ISO-8601 date\n",
      ],
      [
        [await tmp("not-a-run")],
        /^calibration-report: no paper-trading run in .*not-a-run.*: none of run\.json, /,
      ],
    ] as const) {
      const c = capture();
      expect(await main([...argv], c.io)).toBe(2);
      expect(c.err.join("")).toMatch(message);
    }
    // a bad number names what was typed, not yargs' NaN
    for (const argv of [["--min-sharpe", "abc"], ["--min-sharpe=abc"]]) {
      const c = capture();
      expect(await main(argv, c.io)).toBe(2);
      expect(c.err.join("")).toContain('--min-sharpe: expected a number, got "abc"');
    }
  });

  it("the binary entry point (src/cli.ts) exits with the verdict code", async () => {
    const { spawnSync } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const app = join(fileURLToPath(new URL(".", import.meta.url)), "..");
    const dir = await writeRunDir(await tmp("spawn"), goldenFiles({ dip: true }));
    const run = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", join(app, "src", "cli.ts"), ...args], {
        cwd: app,
        encoding: "utf8",
      });
    const nogo = run([dir, "--min-fills", "4", "--min-sharpe-samples", "5", "--min-predictions", "10"]);
    expect(nogo.status).toBe(1);
    expect(nogo.stdout).toContain("VERDICT: NO-GO");
    const bad = run(["--min-fills", "many"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("--help documents every flag with defaults and exits 0", async () => {
    const c = capture();
    expect(await main(["--help"], c.io)).toBe(0);
    const help = c.out.join("");
    for (const flag of [
      "--json",
      "--html",
      "--criteria",
      "--min-sharpe",
      "--max-brier",
      "--max-drawdown-pct",
      "--min-fills",
      "--since",
      "--until",
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain("logs/paper_trading");
    expect(help.replace(/\s+/g, " ")).toContain(
      "ignore records before this time (ISO-8601 date/time, or epoch ms >= 1e11: epoch seconds are refused)",
    );
    expect(help).toContain("[default: 2]");
    expect(help).toContain("[default: 0.2]");
    expect(help).toContain("[default: 3]");
    expect(help).toContain("[default: 5000]");
  });
});
