#!/usr/bin/env node
import { ConfigError } from "./config.js";
import { parseCli, UsageError } from "./cli-args.js";
import { tuneHeapForLongRuns } from "./heap-tuning.js";
import { createLogger } from "./logging.js";
import { runPaperTrader } from "./run.js";

/** CLI entry: exit 2 on usage/config errors (nothing written), 1 on runtime errors, 0 otherwise. */
async function main(): Promise<number> {
  let parsed: Awaited<ReturnType<typeof parseCli>>;
  try {
    parsed = await parseCli(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`paper-trader: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (parsed.kind === "help") {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  tuneHeapForLongRuns();
  const logger = createLogger(parsed.config.logLevel);
  try {
    const result = await runPaperTrader(parsed.config, { logger, given: parsed.given });
    if (result.lostRecords !== undefined) {
      process.stderr.write(`paper-trader: ${result.lostRecords}\n`);
      return 1;
    }
    if (result.unusableInput === undefined) return 0;
    process.stderr.write(`paper-trader: ${result.unusableInput}\n`);
    return 1;
  } catch (err) {
    // Flag, config and resume refusals: one line on stderr, nothing on stdout.
    if (err instanceof ConfigError) {
      process.stderr.write(`paper-trader: ${err.message}\n`);
      return 2;
    }
    const msg = err instanceof Error ? err.message : String(err);
    logger.error({ err }, `paper-trader failed: ${msg}`);
    process.stderr.write(`paper-trader: ${msg}\n`);
    return 1;
  }
}

// Before the run installs its handlers (start-up) a signal ends the process as usual (130/143).
// During the run, runPaperTrader's own handlers stop it gracefully. Once it has removed them again
// it is finishing (report printed, files flushed), and after it a signal exits with the run's code:
// neither may turn a clean exit 0 into 130.
let finishedCode: number | null = null;
let runHandlersSeen = false;
const onSignal = (sig: NodeJS.Signals): void => {
  if (finishedCode !== null) process.exit(finishedCode);
  if (process.listenerCount(sig) === 1 && !runHandlersSeen)
    process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGHUP" ? 1 : 15));
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
process.on("SIGHUP", onSignal);
process.on("newListener", (event) => {
  if (event === "SIGINT" || event === "SIGTERM" || event === "SIGHUP") runHandlersSeen = true;
});
// `paper-trader | head`, or stdout on a full disk: a broken stdout must not crash the run (its
// files are the result; the report is also printed to stdout only, so the failure is said on stderr)
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") process.stderr.write(`paper-trader: stdout failed (${err.message})\n`);
});

main().then(
  (code) => {
    finishedCode = code;
    process.exitCode = code;
    // Exit as soon as stdout is flushed rather than when the event loop drains: a signal that lands
    // while Node tears the loop down takes the default action (exit 130) after a clean finish.
    process.stdout.write("", () => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(
      `paper-trader: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
