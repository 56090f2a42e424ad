/**
 * Benchmarks: report build throughput (MB/s) and peak RSS on synthetic runs of 100 MB and 1 GB
 * (each in a fresh child process, so RSS is the report's own), plus renderer latency.
 * Set REPORT_BENCH_GB to change the large size (default 1). The generated runs (~1.1 GB in the OS
 * tmp dir) are removed at the end unless REPORT_BENCH_KEEP=1 keeps them for the next run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchLatency, benchThroughput } from "../../../bench/harness.js";
import { buildReport } from "../src/build-report.js";
import { renderHtml } from "../src/render-html.js";
import { renderText } from "../src/render-text.js";
import { generateRun } from "./generate.js";

const APP = join(dirname(fileURLToPath(import.meta.url)), "..");

const generated = new Set<string>();

async function ensureRun(bytes: number): Promise<{ dir: string; bytes: number }> {
  const dir = join(tmpdir(), `mmkit-report-bench-${Math.round(bytes / 1e6)}MB`);
  generated.add(dir);
  const marker = join(dir, ".generated");
  if (existsSync(marker)) return { dir, bytes: Number(readFileSync(marker, "utf8")) };
  const t0 = Date.now();
  const gen = await generateRun(dir, bytes, 42);
  writeFileSync(marker, String(gen.bytes));
  console.log(
    `generated ${(gen.bytes / 1e6).toFixed(0)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s (${gen.cycles} cycles, ${gen.fills} fills)`,
  );
  return { dir, bytes: gen.bytes };
}

function runChild(
  dir: string,
  bytes: number,
  heapMB?: number,
): { secs: number; mbPerSec: number; maxRssMB: number } {
  const args = [
    ...(heapMB ? [`--max-old-space-size=${heapMB}`] : []),
    "--import",
    "tsx",
    join(APP, "bench", "run-report.ts"),
    dir,
    String(bytes),
  ];
  const res = spawnSync(process.execPath, args, { cwd: APP, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`report child failed (${res.status}): ${res.stderr.slice(-1000)}`);
  return JSON.parse(res.stdout.trim().split("\n").pop()!);
}

const largeGB = Number(process.env.REPORT_BENCH_GB ?? 1);
for (const size of [100e6, largeGB * 1e9]) {
  const run = await ensureRun(size);
  let stats = { secs: 0, mbPerSec: 0, maxRssMB: 0 };
  benchThroughput(`buildReport ${(run.bytes / 1e6).toFixed(0)} MB (child, 64 MB heap cap)`, "MB", () => {
    stats = runChild(run.dir, run.bytes, 64);
    return run.bytes / 1e6;
  });
  console.log(
    `  -> ${stats.mbPerSec.toFixed(1)} MB/s inside the child, peak RSS ${stats.maxRssMB.toFixed(0)} MB`,
  );
}

const small = await ensureRun(100e6);
const report = await buildReport(small.dir);
benchLatency("renderText (full report)", () => void renderText(report), 200, 20);
benchLatency("renderHtml (full report, inline SVG)", () => void renderHtml(report), 200, 20);

if (process.env.REPORT_BENCH_KEEP !== "1")
  for (const dir of generated) rmSync(dir, { recursive: true, force: true });
