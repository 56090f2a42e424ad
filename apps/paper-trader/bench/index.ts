/**
 * Paper-trader benchmarks: whole-pipeline throughput on the synthetic market with analytics and
 * JSONL output on, and peak RSS of a long run (memory must stay flat). They run the BUILT app
 * (`dist/`, what `pnpm paper-trader` runs; build first): running the sources through tsx adds
 * esbuild's keepNames helpers to every inner function and measures slower code than users run.
 * `pnpm bench` starts node with the young-generation flag the root `pnpm paper-trader` script uses
 * (YOUNG_GENERATION_FLAG; V8 takes it on the command line only):
 *   pnpm bench                    → 6 h throughput + 24 h memory profile
 *   pnpm bench -- --days 7        → the 7-day memory run
 *   pnpm bench -- --days 0        → throughput only
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The built app (typed from the sources; a computed specifier so typecheck does not need a build).
const distEntry = new URL("../dist/index.js", import.meta.url).href;
const { createLogger, parseConfig, runPaperTrader, tuneHeapForLongRuns, YOUNG_GENERATION_FLAG } =
  (await import(distEntry)) as typeof import("../src/index.js");
// Measure what the CLI runs: it sizes V8's heap for long runs at start-up (see heap-tuning.ts).
const heapTuning = tuneHeapForLongRuns();

async function run(
  durationSec: number,
  sampleRss: boolean,
): Promise<{ events: number; sec: number; cpuSec: number; rssMb: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), "mmkit-bench-"));
  const rssMb: number[] = [];
  const timer = sampleRss ? setInterval(() => rssMb.push(process.memoryUsage().rss / 2 ** 20), 2000) : null;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await runPaperTrader(parseConfig({ durationSec, outputDir: dir, seed: 42, logLevel: "silent" }), {
    logger: createLogger("silent", false),
    print: () => {},
    handleSignals: false,
  });
  const sec = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  if (timer !== null) clearInterval(timer);
  rmSync(dir, { recursive: true, force: true });
  return { events: r.events, sec, cpuSec, rssMb };
}

const daysArg = process.argv.indexOf("--days");
const days = daysArg > 0 ? Number(process.argv[daysArg + 1]) : 1;
const youngGen = process.execArgv.includes(YOUNG_GENERATION_FLAG)
  ? `${YOUNG_GENERATION_FLAG}, as \`pnpm paper-trader\` starts it`
  : `V8's default, NOT what \`pnpm paper-trader\` runs (it passes ${YOUNG_GENERATION_FLAG}; run \`pnpm bench\`)`;
console.log(`V8 heap sizing as the CLI sets it: ${heapTuning}; young generation: ${youngGen}`);

// 6 h of market (~1.8 M events): long enough that JIT warm-up (~0.2 s) does not dominate.
const t = await run(6 * 3600, false);
console.log(
  `${"pipeline throughput (synthetic 6 h, analytics+JSONL on)".padEnd(56)} ${Math.round(t.events / t.sec).toLocaleString("en-US")} events/s (${t.events.toLocaleString("en-US")} events in ${t.sec.toFixed(1)} s; ${Math.round(t.events / t.cpuSec).toLocaleString("en-US")} per CPU-second of the process, GC threads included)`,
);
if (days <= 0) process.exit(0);
const m = await run(days * 86_400, true);
const n = m.rssMb.length;
const q = (f: number): number => m.rssMb[Math.min(n - 1, Math.floor(f * n))] ?? Number.NaN;
console.log(
  `${`memory over a ${days}-day synthetic run`.padEnd(56)} peak RSS ${Math.max(...m.rssMb).toFixed(0)} MB; RSS at 25/50/75/100% of the run: ${[0.25, 0.5, 0.75, 0.999].map((f) => q(f).toFixed(0)).join(" / ")} MB (${Math.round(m.events / m.sec).toLocaleString("en-US")} events/s, ${m.sec.toFixed(0)} s)`,
);
