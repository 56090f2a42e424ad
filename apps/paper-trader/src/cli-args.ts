import yargs from "yargs";
import { DEFAULT_LOT_NOTIONAL_QUOTE, engineUnsetDefault } from "./build.js";
import { configFields, readConfigFile } from "./config-file.js";
import {
  CONFIG_DEFAULTS,
  ConfigError,
  type PaperTraderConfig,
  parseConfig,
  validateFields,
} from "./config.js";
import { UsageError } from "./usage-error.js";

interface FlagSpec {
  field: keyof PaperTraderConfig;
  type: "string" | "number" | "boolean";
  describe: string;
  choices?: readonly string[];
}

/** Every CLI flag, the config field it sets, and its help text. */
export const FLAGS: Record<string, FlagSpec> = {
  source: {
    field: "source",
    type: "string",
    describe: "market data source",
    choices: ["synthetic", "replay", "hyperliquid"],
  },
  input: {
    field: "input",
    type: "string",
    describe:
      "recording or raw capture to replay (format detected from content), or a directory: every file in it (e.g. the parts of a --record DIR) in file-name order, as one input",
  },
  asset: {
    field: "asset",
    type: "string",
    describe:
      "instrument: Hyperliquid coin (BTC, kPEPE) or Binance symbol (ETHUSDT), case-insensitive; replay: default the first in the file, live: BTC",
  },
  "sz-decimals": {
    field: "szDecimals",
    type: "number",
    describe:
      "Hyperliquid size decimals of the coin (price grid: 5 significant figures, at most 6 − this decimals); default built in (BTC 5, ETH 4, SOL 2, DOGE 0, …) or, in replay, inferred from the data",
  },
  "tick-size": {
    field: "tickSize",
    type: "number",
    describe:
      "fixed-grid venues (Binance, recordings): price tick in quote currency; default inferred from the data",
  },
  "lot-size": {
    field: "lotSize",
    type: "number",
    describe:
      "fixed-grid venues (Binance, recordings): size lot in base units; default inferred from the data",
  },
  duration: {
    field: "durationSec",
    type: "number",
    describe: "seconds of market time to run (replay: at most the file; live: seconds of wall time)",
  },
  speed: {
    field: "speed",
    type: "string",
    describe: "pacing of synthetic/replay sources: max, realtime or Nx (N times real time, e.g. 10x)",
  },
  seed: {
    field: "seed",
    type: "number",
    describe: "seed for every random choice (synthetic market, fills, latency)",
  },
  gamma: {
    field: "gamma",
    type: "number",
    describe: "GLFT risk aversion γ per (fraction of mid × lot)",
  },
  "ladder-levels": { field: "ladderLevels", type: "number", describe: "quote levels per side" },
  "ladder-ratio": {
    field: "ladderRatio",
    type: "number",
    describe: "geometric depth ratio between ladder levels",
  },
  "min-spread-bps": { field: "minSpreadBps", type: "number", describe: "minimum half-spread floor in bps" },
  "fill-model": {
    field: "fillModel",
    type: "string",
    describe: "paper fill model",
    choices: ["touch", "queue", "through"],
  },
  "fill-prob": {
    field: "fillProb",
    type: "number",
    describe: "touch model: fill probability when a trade prints at our price",
  },
  "queue-trade-lag-ms": {
    field: "queueTradeLagMs",
    type: "number",
    describe:
      "queue model: a print at our price this soon (ms) after the book showed our level shrink is that shrink, not a second advance (0 = off)",
  },
  "kill-drawdown-pct": {
    field: "killDrawdownPct",
    type: "number",
    describe: "kill switch: drawdown from peak equity that halts (%)",
  },
  "output-dir": {
    field: "outputDir",
    type: "string",
    describe: "directory for JSONL streams, run.json and checkpoints",
  },
  config: {
    field: "source",
    type: "string",
    describe:
      "JSON config file: an object whose keys are flag names without -- (duration, ladder-levels) or the field names of run.json's config (durationSec, ladderLevels); flags override it, and on --resume its keys count as given",
  },
  resume: { field: "resume", type: "boolean", describe: "continue from the checkpoint in --output-dir" },
  "log-level": {
    field: "logLevel",
    type: "string",
    describe: "log level",
    choices: ["trace", "debug", "info", "warn", "error", "fatal", "silent"],
  },
  "metrics-port": {
    field: "metricsPort",
    type: "number",
    describe: "serve Prometheus metrics on this port (127.0.0.1)",
  },
  "checkpoint-every-min": {
    field: "checkpointEveryMin",
    type: "number",
    describe: "checkpoint interval in minutes of market time (at most one per 2 s of wall time)",
  },
  "analytics-every-sec": {
    field: "analyticsEverySec",
    type: "number",
    describe: "[ANALYTICS] log and sharpe_metrics interval (market s)",
  },
  "rotate-mb": {
    field: "rotateMb",
    type: "number",
    describe: "rotate a JSONL stream into name.N.jsonl before it passes this size (MiB)",
  },
  "order-size": {
    field: "orderSizeBase",
    type: "number",
    describe: `order size per level in base units (1 lot), at most 1e9; default ~${DEFAULT_LOT_NOTIONAL_QUOTE} of notional at the first mid, rounded up to the lot`,
  },
  "max-position-lots": { field: "maxPositionLots", type: "number", describe: "position limit in lots" },
  "maker-fee-bps": {
    field: "makerFeeBps",
    type: "number",
    describe:
      "maker fee in bps (negative = rebate); default the venue's base tier: Hyperliquid and synthetic 1.5, Binance USD-M 2, Binance spot 10",
  },
  "taker-fee-bps": {
    field: "takerFeeBps",
    type: "number",
    describe:
      "taker fee in bps; default the venue's base tier: Hyperliquid and synthetic 4.5, Binance USD-M 5, Binance spot 10",
  },
  "latency-ms": {
    field: "latencyMs",
    type: "number",
    describe:
      "median order entry / cancel latency in ms, counted from the event's venue time: include your feed delay",
  },
  "hyperliquid-url": { field: "hyperliquidUrl", type: "string", describe: "Hyperliquid websocket URL" },
  "binance-lead": {
    field: "binanceLead",
    type: "boolean",
    describe:
      "live mode: also subscribe Binance USD-M bookTicker for the same coin; the LeadLag signal skews quotes toward the move Binance has made and Hyperliquid not yet",
  },
  "binance-symbol": {
    field: "binanceSymbol",
    type: "string",
    describe: "Binance symbol of the lead feed; default from --asset (BTC → BTCUSDT, kPEPE → 1000PEPEUSDT)",
  },
  "lead-input": {
    field: "leadInput",
    type: "string",
    describe:
      "replay: a recording of the lead venue (e.g. Binance) made alongside --input, replayed beside it on the same clock (a recording's local receive time, a capture's exchange time) and fed to the LeadLag signal only; a directory as for --input (e.g. DIR/lead of --record DIR)",
  },
  record: {
    field: "record",
    type: "string",
    describe:
      "live mode: record every market event the feeds deliver into this directory (gzip JSONL, the traded venue's in DIR, the --binance-lead feed's in DIR/lead; replay with --input DIR [--lead-input DIR/lead])",
  },
  "record-rotate-min": {
    field: "recordRotateMin",
    type: "number",
    describe: "--record: start a new file every this many minutes (or at 256 MiB uncompressed)",
  },
  "binance-url": {
    field: "binanceUrl",
    type: "string",
    describe: "Binance USD-M websocket base URL (streams are combined under /stream?streams=…)",
  },
  "crash-at-sec": {
    field: "crashAtSec",
    type: "number",
    describe: "testing: inject a risk-computation fault at this market time (s)",
  },
};

export { UsageError };

/**
 * Result of CLI parsing: either help/version text to print, or a validated config with the fields
 * the user gave (flags and --config keys; on --resume the others come from the checkpoint, and the
 * cross-field checks wait for that merge).
 */
export type CliResult =
  | { kind: "help"; text: string }
  | { kind: "run"; config: PaperTraderConfig; given: ReadonlySet<string>; configFile?: string };

/** Parse argv (without node and script) into a validated config. Throws UsageError/ConfigError on bad input. */
export async function parseCli(argv: readonly string[]): Promise<CliResult> {
  const args = checkFlagTokens(argv[0] === "--" ? argv.slice(1) : [...argv]);
  let failure: string | undefined;
  const parser = yargs(args)
    .scriptName("paper-trader")
    .usage(
      "$0 [flags]\n\nRun the GLFT market maker against a paper exchange and write analytics for the calibration report.",
    )
    .strict()
    .help(false)
    .version(false)
    .option("help", { alias: "h", type: "boolean", describe: "show this help" })
    .exitProcess(false)
    .fail((msg, err) => {
      failure = msg ?? err?.message ?? "invalid arguments";
    })
    .wrap(Math.min(110, process.stdout.columns ?? 110));
  for (const [flag, spec] of Object.entries(FLAGS)) {
    const def =
      flag === "config" ? undefined : (CONFIG_DEFAULTS[spec.field] ?? engineUnsetDefault(spec.field));
    parser.option(flag, {
      type: spec.type,
      describe: spec.describe,
      ...(spec.choices ? { choices: spec.choices } : {}),
      ...(def !== undefined ? { defaultDescription: JSON.stringify(def) } : {}),
    });
  }
  const parsed = await parser.parseAsync();
  if (failure !== undefined) throw new UsageError(oneLine(failure));
  if (parsed["help"] === true) return { kind: "help", text: await parser.getHelp() };
  if (parsed._.length > 0)
    throw new UsageError(`unexpected argument "${String(parsed._[0])}" (flags start with --)`);

  let fromFile: Record<string, unknown> = {};
  const configFile = parsed["config"];
  if (typeof configFile === "string") {
    const file = configFields(readConfigFile(configFile));
    fromFile = file.fields;
    validateFields(fromFile, "config", file.keys);
  }
  const fromFlags: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(FLAGS)) {
    if (flag === "config") continue;
    const value = parsed[flag];
    if (value === undefined) continue;
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new UsageError(`invalid ${flagName(flag)}: expected a number`);
    }
    fromFlags[spec.field] = value;
  }
  const input = { ...fromFile, ...fromFlags };
  const config = input["resume"] === true ? validateFields(input, "flag") : parseConfig(input, "flag");
  const given = new Set(Object.keys(input));
  return typeof configFile === "string"
    ? { kind: "run", config, given, configFile }
    : { kind: "run", config, given };
}

/** A decimal number as a flag value (no hex, binary or octal, which JavaScript would also read). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A flag's kebab-case name as written (`--ladderLevels=3` → `ladder-levels`), or null for a non-flag token. */
function flagOfToken(token: string): string | null {
  if (!token.startsWith("--") || token === "--") return null;
  return kebab(token.slice(2).split("=", 1)[0]!);
}

/** `ladderLevels` → `ladder-levels` (as yargs aliases them); a leading capital stays (`Gamma` is no flag). */
function kebab(name: string): string {
  return name.replace(/(?<=[a-z0-9])[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Checks yargs would pass silently: a flag given twice (yargs makes an array, and a second
 * --config would ignore both files) and a valued flag with nothing after it (yargs drops it and the
 * default runs instead). Both are UsageErrors naming the flag.
 */
function checkFlagTokens(args: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    out.push(token);
    if (token === "--") {
      out.push(...args.slice(i + 1));
      break;
    }
    const flag = flagOfToken(token);
    const name = flag?.startsWith("no-") ? flag.slice(3) : flag;
    const spec = name === null || name === undefined ? undefined : FLAGS[name];
    if (spec === undefined) continue; // values, and unknown flags (yargs names those)
    if (seen.has(name!)) throw new UsageError(`invalid --${name}: given more than once; give it once`);
    seen.add(name!);
    const eq = token.indexOf("=");
    if (spec.type === "boolean") {
      const v = eq < 0 ? "true" : token.slice(eq + 1);
      if (v !== "true" && v !== "false")
        throw new UsageError(`invalid --${name}: got "${v}", allowed values are true|false`);
      continue;
    }
    const wanted = spec.type === "number" ? "a number" : spec.choices ? spec.choices.join("|") : "a string";
    let value: string | undefined;
    if (eq >= 0) value = token.slice(eq + 1);
    else {
      value = args[i + 1];
      if (value?.startsWith("--")) value = undefined;
      // yargs reads "-1x" as short flags; a number like -1 is a value
      else if (value?.startsWith("-")) {
        if (!DECIMAL.test(value))
          throw new UsageError(`invalid --${name}: "${value}" reads as a flag; write --${name}=${value}`);
        // a negative number: hand it to yargs as --flag=value (it reads "-1e-1" as short flags)
        out[out.length - 1] = `${token}=${value}`;
        i++;
      }
    }
    if (value === undefined || value === "")
      throw new UsageError(`invalid --${name}: needs a value (${wanted})`);
    if (spec.type === "number" && !DECIMAL.test(value))
      throw new UsageError(`invalid --${name}: expected a decimal number, got "${value}"`);
  }
  return out;
}

function flagName(flag: string): string {
  return `--${flag}`;
}

function oneLine(msg: string): string {
  // yargs: 'Invalid values:\n  Argument: fill-model, Given: "x", Choices: "touch", ...'
  const choice = /Argument: ([\w-]+), Given: ("[^"]*"|\S+), Choices: (.*)/.exec(msg);
  if (choice) {
    const allowed = choice[3]!.replace(/"/g, "").split(/,\s*/).join("|");
    return `invalid --${choice[1]}: got ${choice[2]}, allowed values are ${allowed}`;
  }
  const unknown = /Unknown arguments?: (.*)/.exec(msg);
  if (unknown)
    return `unknown flag(s): ${[...new Set(unknown[1]!.split(/,\s*/).map((f) => `--${kebab(f)}`))].join(
      ", ",
    )} (see --help)`;
  return msg.replace(/\s+/g, " ").trim();
}

export { ConfigError };
