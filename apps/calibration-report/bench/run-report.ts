/** Child process for the benchmark: build the report of DIR and print throughput + peak RSS as JSON. */
import { performance } from "node:perf_hooks";
import { buildReport } from "../src/build-report.js";

const dir = process.argv[2];
const bytes = Number(process.argv[3] ?? 0);
if (!dir) {
  process.stderr.write("usage: run-report.ts DIR [BYTES]\n");
  process.exit(2);
}
const t0 = performance.now();
const report = await buildReport(dir, { maxPoints: 2000 });
const secs = (performance.now() - t0) / 1000;
const maxRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  `${JSON.stringify({
    secs,
    mbPerSec: bytes / 1e6 / secs,
    maxRssMB,
    fills: report.summary.fills,
    predictions: report.inputs.find((i) => i.stream === "predictions")?.records ?? 0,
    equityPoints: report.charts.equity.length,
    verdict: report.verdict.overall,
    issues: report.issueCount,
  })}\n`,
);
