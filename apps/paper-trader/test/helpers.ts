import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { AnalyticsLogger, jsonlParts, STREAM_FILES } from "@mmkit/analytics";
import { fixedTickRules } from "@mmkit/core";
import pino from "pino";
import { afterEach, expect } from "vitest";
import { createLogger } from "../src/logging.js";
import { type PaperTraderConfigInput, parseConfig } from "../src/config.js";
import { type RunResult, runPaperTrader } from "../src/run.js";
import { buildParts } from "../src/build.js";
import type { RunMetrics } from "../src/metrics.js";
import { PaperTrader } from "../src/trader.js";

/** Repository root (tests read only the repo's own embedded samples). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The real Binance USD-M sample shipped in the repo. */
export const BINANCE_SAMPLE = join(REPO_ROOT, "data/samples/binance-usdm-btcusdt-20240808-120s.gz");
/** The real Hyperliquid sample shipped in the repo. */
export const HL_SAMPLE = join(REPO_ROOT, "data/samples/hyperliquid-btc-20250126.gz");
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const TSCONFIG = fileURLToPath(new URL("../tsconfig.json", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** The lines of a gzipped capture: the receive time (ns), a space, the venue's JSON message. */
export function captureLines(path: string): string[] {
  return gunzipSync(readFileSync(path)).toString("utf8").split("\n").filter(Boolean);
}

/** A capture line with its message changed by `edit` (the receive time kept). */
export function editCaptureLine(line: string, edit: (msg: Record<string, unknown>) => void): string {
  const sp = line.indexOf(" ");
  const msg = JSON.parse(line.slice(sp + 1)) as Record<string, unknown>;
  edit(msg);
  return `${line.slice(0, sp)} ${JSON.stringify(msg)}`;
}

/** Log lines captured by {@link capturingLogger}. */
export type CapturedLog = { level: number; msg: string }[];

/**
 * Replay `lines` as a gzipped capture in a fresh directory (settings `input` added), the log
 * captured; the run must reach the end of the data. Returns the output dir, the result, its Feed line and the log.
 */
export async function replayCaptureLines(
  lines: string[],
  input: PaperTraderConfigInput = {},
): Promise<{ out: string; result: RunResult; feed: string; logs: CapturedLog }> {
  const dir = tempDir();
  const capture = join(dir, "capture.gz");
  writeFileSync(capture, gzipSync(`${lines.join("\n")}\n`));
  const logs: CapturedLog = [];
  const out = join(dir, "out");
  const result = await runInProcess(
    { ...input, source: "replay", input: capture, outputDir: out },
    capturingLogger(logs),
  );
  expect(result.stopReason).toMatch(/^end of data/);
  return { out, result, feed: result.report.find((l) => l.startsWith("Feed:")) ?? "", logs };
}

/**
 * The real Binance sample with every line after its middle moved `shiftMs` later (receipt time and
 * the venue's E/T stamps): a recording that lost that much time. Written to `dir`; returns its path.
 */
export function sampleWithHole(dir: string, shiftMs: number): string {
  const lines = captureLines(BINANCE_SAMPLE);
  const moved = lines.map((line, i) => {
    if (i < lines.length / 2) return line;
    const sp = line.indexOf(" ");
    const msg = JSON.parse(line.slice(sp + 1)) as { data: Record<string, unknown> };
    for (const k of ["E", "T"])
      if (typeof msg.data[k] === "number") msg.data[k] = (msg.data[k] as number) + shiftMs;
    return `${BigInt(line.slice(0, sp)) + BigInt(shiftMs) * 1_000_000n} ${JSON.stringify(msg)}`;
  });
  const path = join(dir, "with-hole.gz");
  writeFileSync(path, gzipSync(`${moved.join("\n")}\n`));
  return path;
}

/** What a grid trader is wired to beside its config: each defaults to none (a silent logger). */
export interface GridTraderWiring {
  metrics?: RunMetrics | null;
  /** A checkpoint's capital, to restore it into. */
  capitalQuote?: number;
  /** The streams it writes. */
  out?: AnalyticsLogger | null;
  logger?: pino.Logger;
}

/**
 * A trader wired as the CLI wires it, on a fixed 0.1 / 0.001 grid at a mid of 100, exchange clock,
 * USD, a silent logger and no outputs unless `wiring` gives them: for driving the loop event by
 * event in a test.
 */
export function gridTrader(input: PaperTraderConfigInput, wiring: GridTraderWiring = {}): PaperTrader {
  const { metrics = null, capitalQuote, out = null, logger = createLogger("silent", false) } = wiring;
  return new PaperTrader(
    buildParts(parseConfig(input), {
      logger,
      out,
      metrics,
      tickRules: fixedTickRules(0.1, 0.001, 0),
      firstMid: 100,
      clock: "exchange",
      quoteCurrency: "USD",
      ...(capitalQuote !== undefined ? { capitalQuote } : {}),
    }),
  );
}

/** A grid trader (or one built from `input`) writing its streams to a fresh directory, flushed at every write. */
export function loggedGridTrader(input: PaperTraderConfigInput = { orderSizeBase: 0.001 }): {
  dir: string;
  out: AnalyticsLogger;
  t: PaperTrader;
} {
  const dir = tempDir();
  const out = new AnalyticsLogger({ dir, flushIntervalMs: 0 });
  return { dir, out, t: gridTrader(input, { out }) };
}

/** A fresh temporary directory. */
export function tempDir(prefix = "mmkit-pt-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Run the trader in-process with a silent logger (or `logger`); returns the result (report lines in `report`). */
export async function runInProcess(input: PaperTraderConfigInput, logger?: pino.Logger): Promise<RunResult> {
  const config = parseConfig(input);
  return runPaperTrader(config, {
    logger: logger ?? createLogger("silent", false),
    print: () => {},
    handleSignals: false,
  });
}

/** Run in process and stop it (like SIGINT) after `afterMs` of wall time. */
export async function runAndPause(input: PaperTraderConfigInput, afterMs: number): Promise<RunResult> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), afterMs);
  try {
    return await runPaperTrader(parseConfig(input), {
      logger: createLogger("silent", false),
      print: () => {},
      handleSignals: false,
      signal: ac.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** A pino logger (level info) whose JSON lines land in `lines`. */
export function capturingLogger(lines: CapturedLog): pino.Logger {
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n")) if (l !== "") lines.push(JSON.parse(l));
      done();
    },
  });
  return pino({ level: "info" }, sink);
}

/** Every JSONL file of a run directory with its text. */
export function readStreams(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir).sort())
    if (f.endsWith(".jsonl")) out.set(f, readFileSync(join(dir, f), "utf8"));
  return out;
}

/** A resumed run's streams equal the uninterrupted reference's, file by file (and there are some). */
export function expectSameStreams(ref: Map<string, string>, got: Map<string, string>): void {
  expect(ref.size).toBeGreaterThan(5);
  for (const [file, text] of ref) expect(got.get(file), file).toBe(text);
}

/** Every stream of a run directory as one text: its rotated parts (oldest first) joined with the current file. */
export function readJoinedStreams(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of Object.values(STREAM_FILES)) {
    const parts = jsonlParts(join(dir, file));
    if (parts.length > 0) out.set(file, parts.map((f) => readFileSync(f, "utf8")).join(""));
  }
  return out;
}

/** The argv and environment that run the CLI from source (node + tsx). */
export function cliCommand(args: string[]): { argv: string[]; env: NodeJS.ProcessEnv } {
  // tsx maps @mmkit/* to the packages' sources through this tsconfig's paths (no build needed).
  return {
    // tsx by absolute URL: the CLI may run in any working directory
    argv: [process.execPath, "--import", TSX_LOADER, CLI, ...args],
    env: { ...process.env, FORCE_COLOR: "0", TSX_TSCONFIG_PATH: TSCONFIG },
  };
}

/** Spawn the CLI from source (node + tsx), capturing output. */
export function spawnCli(
  args: string[],
  opts: { cwd?: string } = {},
): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
} {
  const { argv, env } = cliCommand(args);
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: opts.cwd ?? REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/**
 * CLI children still running. A test that fails or times out before its child ends (a live run
 * still connecting, say) must not leave the child behind: they are killed after every test of the
 * files that import these helpers (a passing test has awaited its children already).
 */
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const c of running) c.kill("SIGKILL");
  running.clear();
});

/** Poll until `cond()` holds or the timeout passes. */
export async function waitFor(cond: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}

/**
 * SIGKILL `child` at the first moment `cond()` holds, checked while the child is frozen (SIGSTOP), so
 * the files `cond` read are exactly the files the kill leaves (polling a running child can see a state
 * the child moves past before the kill lands); false when `cond` never held within the timeout (the
 * child is killed anyway).
 */
export async function killWhen(
  child: ChildProcess,
  cond: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    child.kill("SIGSTOP");
    await new Promise((r) => setTimeout(r, 20)); // the stop is delivered asynchronously
    const held = cond();
    if (held || Date.now() >= end) {
      child.kill("SIGKILL");
      return held;
    }
    child.kill("SIGCONT");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * SIGKILL a spawned run once the checkpoint in `dir` is a mid-run one (events consumed, and `more`
 * holding for its text); false when none came within 60 s (the run is killed anyway).
 */
export async function killAtMidCheckpoint(
  run: ReturnType<typeof spawnCli>,
  dir: string,
  more: (text: string) => boolean = () => true,
): Promise<boolean> {
  const cp = join(dir, "checkpoint.json");
  const ready = (): boolean => {
    try {
      const text = readFileSync(cp, "utf8");
      return (JSON.parse(text) as { events_consumed: number }).events_consumed > 0 && more(text);
    } catch {
      return false;
    }
  };
  const seen = await killWhen(run.child, ready, 60_000);
  await run.done;
  return seen;
}

/** The parsed lines of one JSONL stream of a run directory. */
export function streamRecords<T>(dir: string, file: string): T[] {
  return (readStreams(dir).get(file) ?? "")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

/** Name of the last contribution of every signal_contributions.jsonl record. */
export function lastSignalNames(dir: string): string[] {
  return streamRecords<{ contributions: { signal_name: string }[] }>(dir, "signal_contributions.jsonl").map(
    (c) => c.contributions.at(-1)?.signal_name ?? "",
  );
}

/** The book mid of every predictions.jsonl record (what the paper exchange's book showed). */
export function predictionMids(dir: string): number[] {
  return streamRecords<{ mid: number }>(dir, "predictions.jsonl").map((r) => r.mid);
}

/**
 * A run with a lead venue: every cycle record ends with the LeadLag contribution, and the paper
 * exchange's book (every prediction's mid) only saw the traded venue (`tradedMid` holds for each).
 */
export function expectLeadOnlyInLeadLag(dir: string, tradedMid: (mid: number) => boolean): void {
  const names = lastSignalNames(dir);
  expect(names.length).toBeGreaterThan(0);
  for (const n of names) expect(n).toBe("LeadLag");
  const mids = predictionMids(dir);
  expect(mids.length).toBeGreaterThan(0);
  for (const m of mids) expect(tradedMid(m), String(m)).toBe(true);
}
