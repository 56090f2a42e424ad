import { writeSync } from "node:fs";
import pino, { type Logger, type LoggerOptions } from "pino";
import pretty from "pino-pretty";
import { clearTransientLine } from "./progress.js";

/** Every log call first erases the progress bar, so a line never starts where the bar ends. */
const hooks: LoggerOptions["hooks"] = {
  logMethod(args, method) {
    clearTransientLine();
    method.apply(this, args);
  },
};

/**
 * Create the run logger: human-readable (pino-pretty; colours unless NO_COLOR / FORCE_COLOR=0) on a TTY,
 * JSON lines otherwise. Synchronous, so nothing is lost on exit.
 */
export function createLogger(level: string, prettyOutput = process.stdout.isTTY === true): Logger {
  if (prettyOutput) {
    return pino(
      { level, base: null, hooks },
      pretty({ sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }),
    );
  }
  return pino(
    { level, base: null, hooks, timestamp: pino.stdTimeFunctions.isoTime },
    bestEffort(pino.destination({ fd: 1, sync: true })),
  );
}

/**
 * The log destination, best effort: a log output that fails (stdout on a full disk, /dev/full) is
 * said once on stderr and logging stops, while the run goes on — its files are the result (it used
 * to crash mid-run with `unexpected error: ENOSPC … SonicBoom.actualWrite`).
 */
function bestEffort(dest: pino.DestinationStream & NodeJS.EventEmitter): pino.DestinationStream {
  let broken = false;
  const give = (err: unknown): void => {
    if (broken) return;
    broken = true;
    try {
      writeSync(
        2,
        `paper-trader: log output failed (${(err as Error).message}); logging stops, the run goes on\n`,
      );
    } catch {
      // stderr is gone too: nothing left to tell
    }
  };
  dest.on("error", give);
  return {
    write(line: string): void {
      if (broken) return;
      try {
        dest.write(line);
      } catch (err) {
        give(err);
      }
    },
  };
}

/** Format a number for a log line with a fixed number of decimals (NaN/Infinity spelled out). */
export function fmt(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(decimals);
}

/** Format a signed number with an explicit + sign. */
export function signed(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return String(value);
  return `${value >= 0 ? "+" : ""}${value.toFixed(decimals)}`;
}

/** Format an optional statistic: "n/a" for null, undefined or a non-finite value. */
export function fmtOpt(value: number | null | undefined, decimals = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "n/a" : value.toFixed(decimals);
}

/** Format an optional statistic with its unit appended ("1.23bps"), or a bare "n/a" when it is missing. */
export function fmtOptUnit(value: number | null | undefined, unit: string, decimals = 2): string {
  const text = fmtOpt(value, decimals);
  return text === "n/a" ? text : `${text}${unit}`;
}

/** Extra decimals for quote-currency amounts on a small capital (shared with the calibration report). */
export { moneyExtraDecimals } from "@mmkit/analytics";

/** A price with at least 6 significant digits and 2 decimals (0.0123450, 3301.25, 105055.50); n/a when not finite. */
export function priceText(price: number): string {
  if (!Number.isFinite(price)) return "n/a";
  if (price === 0) return "0.00";
  const decimals = Math.min(20, Math.max(2, 5 - Math.floor(Math.log10(Math.abs(price)))));
  return price.toFixed(decimals);
}
