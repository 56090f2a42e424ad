import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BINANCE_SAMPLE, REPO_ROOT, runInProcess, tempDir } from "./helpers.js";

const REPORT_CLI = fileURLToPath(new URL("../../calibration-report/src/cli.ts", import.meta.url));
const REPORT_TSCONFIG = fileURLToPath(new URL("../../calibration-report/tsconfig.json", import.meta.url));

/** Run the calibration report CLI (sources, through tsx) on a run directory, writing its JSON model. */
function runReport(
  dir: string,
  json: string,
  ...more: string[]
): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["--import", "tsx", REPORT_CLI, dir, "--json", json, ...more], {
    cwd: REPO_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: REPORT_TSCONFIG },
    encoding: "utf8",
    timeout: 120_000,
  });
}

describe("the calibration report judges a real paper-trader run", () => {
  it("replay of the real Binance sample → calibration-report reads every stream with no issue", async () => {
    const dir = tempDir();
    const run = await runInProcess({ source: "replay", input: BINANCE_SAMPLE, outputDir: dir });
    const json = join(dir, "report.json");
    const r = runReport(dir, json);
    // 0 = GO, 1 = NO-GO, 3 = insufficient data (a 120 s sample cannot reach 5,000 fills): never 2.
    expect([0, 1, 3], r.stderr).toContain(r.status);
    const model = JSON.parse(readFileSync(json, "utf8")) as {
      missing: string[];
      issueCount: number;
      summary: { fills: number };
      verdict: { overall: string };
    };
    expect(model.missing).toEqual([]);
    expect(model.issueCount).toBe(0);
    expect(model.summary.fills).toBe(run.fills);
    expect(r.stdout).toContain("CALIBRATION REPORT");
  }, 180_000);

  it("recomputed from the files, the report's Sharpe per window and max drawdown equal the trader's own", async () => {
    // The report reads only equity.jsonl; the trader computed its figures live. They agree because
    // every equity sample is written (1 s) and the last line is at the run's end, so both close the
    // same Sharpe buckets and see the same drawdown samples.
    const dir = tempDir();
    await runInProcess({ durationSec: 1800, seed: 4, outputDir: dir });
    const json = join(dir, "report.json");
    const html = join(dir, "report.html");
    const r = runReport(dir, json, "--html", html);
    expect([0, 1, 3], r.stderr).toContain(r.status);
    // text cells are escaped: a p-value below 0.0001 reads "&lt;0.0001", never a stray "<0" tag
    const page = readFileSync(html, "utf8");
    expect(page).toContain("&lt;0.0001");
    expect(page).not.toMatch(/<[0-9]/);
    const model = JSON.parse(readFileSync(json, "utf8")) as {
      sharpe: { windows: { window: string; n: number; sharpeAnnualized: number | null }[] };
      drawdown: { maxDrawdownFrac: number };
    };
    const logged = readFileSync(join(dir, "sharpe_metrics.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as {
            scope: string;
            windows: {
              window: string;
              n: number;
              sharpe_annualized: number | null;
              max_drawdown_frac: number | null;
            }[];
          },
      )
      .filter((x) => x.scope === "portfolio")
      .at(-1)!;
    for (const w of model.sharpe.windows) {
      const t = logged.windows.find((x) => x.window === w.window)!;
      expect(w.n, w.window).toBe(t.n);
      expect(w.sharpeAnnualized, w.window).toBeCloseTo(t.sharpe_annualized!, 6);
    }
    // The trader's drawdown tracker, as it logged it on every equity line.
    const traderMaxDd = Math.max(
      ...readFileSync(join(dir, "equity.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { drawdown_frac: number }).drawdown_frac),
    );
    expect(traderMaxDd).toBeGreaterThan(0);
    expect(model.drawdown.maxDrawdownFrac).toBeCloseTo(traderMaxDd, 12);
  }, 180_000);
});
