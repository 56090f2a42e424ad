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
    await runPaperTrader(parsed.config, { logger, given: parsed.given });
    return 0;
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

// A signal after the run has finished (report printed) must not turn exit 0 into 130: exit with the
// run's code at once. During the run, runPaperTrader's own handlers stop it gracefully; before it
// installs them (start-up) a signal ends the process as usual.
let finishedCode: number | null = null;
const onSignal = (sig: NodeJS.Signals): void => {
  if (finishedCode !== null) process.exit(finishedCode);
  if (process.listenerCount(sig) === 1) process.exit(128 + (sig === "SIGINT" ? 2 : 15));
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

main().then(
  (code) => {
    finishedCode = code;
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `paper-trader: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
