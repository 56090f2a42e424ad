import { MAX_ORDER_SIZE_BASE } from "@mmkit/core";
import { DEFAULT_QUEUE_TRADE_LAG_MS } from "@mmkit/exchange";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";

/** A path made absolute against the working directory (unchanged when absolute already). */
function absolutePath(p: string): string {
  return isAbsolute(p) ? p : resolve(p);
}

/** Replay/synthetic pacing: "max" (as fast as possible), "realtime", or an "Nx" multiplier. */
export const SpeedSchema = z
  .union([
    z.literal("max"),
    z.literal("realtime"),
    z.string().regex(/^\d+(\.\d+)?x$/, "expected max, realtime or Nx"),
  ])
  .default("max");

/** Every paper-trader setting; each CLI flag maps to one field. */
export const PaperTraderConfigSchema = z
  .object({
    source: z.enum(["synthetic", "replay", "hyperliquid"]).default("synthetic"),
    // absolute from here on (run.json, checkpoint): a resume from another directory reads the same file
    input: z.string().min(1).transform(absolutePath).optional(),
    asset: z.string().min(1).optional(),
    durationSec: z
      .number()
      .positive()
      .max(366 * 86_400)
      .default(3 * 3600),
    speed: SpeedSchema,
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(42),
    // the quote engine's ranges (core QuoteEngineConfigSchema), so a bad value stops here with exit 2
    gamma: z.number().positive().max(1e7).optional(),
    ladderLevels: z.number().int().min(1).max(20).default(3),
    ladderRatio: z.number().gt(1).max(5).default(1.2),
    minSpreadBps: z.number().min(0).max(1000).default(1),
    fillModel: z.enum(["touch", "queue", "through"]).default("queue"),
    fillProb: z.number().min(0).max(1).default(0.5),
    queueTradeLagMs: z.number().min(0).max(60_000).default(DEFAULT_QUEUE_TRADE_LAG_MS),
    killDrawdownPct: z.number().gt(0).max(100).default(15),
    outputDir: z.string().min(1).default("logs/paper_trading"),
    resume: z.boolean().default(false),
    logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    metricsPort: z.number().int().min(0).max(65_535).optional(),
    checkpointEveryMin: z.number().positive().max(1440).default(5),
    // at least 1 s: each tick writes sharpe_metrics and signal_pnl lines (1e-9 wrote 23 MB per market minute)
    analyticsEverySec: z.number().min(1).max(86_400).default(60),
    rotateMb: z.number().min(0.01).max(4096).default(64),
    orderSizeBase: z
      .number()
      .positive()
      .max(MAX_ORDER_SIZE_BASE, {
        error: `must be at most ${MAX_ORDER_SIZE_BASE} base units (the quote engine's limit)`,
      })
      .optional(),
    szDecimals: z.number().int().min(0).max(6).optional(),
    tickSize: z.number().positive().optional(),
    lotSize: z.number().positive().optional(),
    maxPositionLots: z.number().positive().max(1e9).optional(),
    hyperliquidUrl: z.string().url().default("wss://api.hyperliquid.xyz/ws"),
    binanceLead: z.boolean().default(false),
    binanceSymbol: z
      .string()
      .regex(/^[A-Za-z0-9]+$/, "expected a Binance symbol such as BTCUSDT")
      .optional(),
    binanceUrl: z.string().url().default("wss://fstream.binance.com"),
    leadInput: z.string().min(1).transform(absolutePath).optional(),
    record: z.string().min(1).transform(absolutePath).optional(),
    recordRotateMin: z.number().positive().max(1440).default(60),
    // unset: the venue's base tier (venue-fees.ts), resolved once the source is open
    makerFeeBps: z.number().min(-10).max(100).optional(),
    takerFeeBps: z.number().min(-10).max(100).optional(),
    latencyMs: z.number().min(0).max(10_000).default(50),
    crashAtSec: z.number().positive().optional(),
  })
  .strict();

/** Validated paper-trader configuration. */
export type PaperTraderConfig = z.infer<typeof PaperTraderConfigSchema>;
/** Every setting at its default (optional ones unset). */
export const CONFIG_DEFAULTS: PaperTraderConfig = PaperTraderConfigSchema.parse({});
/** Configuration as a user writes it (every field optional). */
export type PaperTraderConfigInput = z.input<typeof PaperTraderConfigSchema>;

/** Config field → CLI flag, so errors name what the user typed. */
export const FIELD_TO_FLAG: Record<string, string> = {
  source: "--source",
  input: "--input",
  asset: "--asset",
  szDecimals: "--sz-decimals",
  tickSize: "--tick-size",
  lotSize: "--lot-size",
  durationSec: "--duration",
  speed: "--speed",
  seed: "--seed",
  gamma: "--gamma",
  ladderLevels: "--ladder-levels",
  ladderRatio: "--ladder-ratio",
  minSpreadBps: "--min-spread-bps",
  fillModel: "--fill-model",
  fillProb: "--fill-prob",
  queueTradeLagMs: "--queue-trade-lag-ms",
  killDrawdownPct: "--kill-drawdown-pct",
  outputDir: "--output-dir",
  resume: "--resume",
  logLevel: "--log-level",
  metricsPort: "--metrics-port",
  checkpointEveryMin: "--checkpoint-every-min",
  analyticsEverySec: "--analytics-every-sec",
  rotateMb: "--rotate-mb",
  orderSizeBase: "--order-size",
  maxPositionLots: "--max-position-lots",
  hyperliquidUrl: "--hyperliquid-url",
  binanceLead: "--binance-lead",
  binanceSymbol: "--binance-symbol",
  binanceUrl: "--binance-url",
  leadInput: "--lead-input",
  record: "--record",
  recordRotateMin: "--record-rotate-min",
  makerFeeBps: "--maker-fee-bps",
  takerFeeBps: "--taker-fee-bps",
  latencyMs: "--latency-ms",
  crashAtSec: "--crash-at-sec",
};

/** A flag's name without `--` → its config field (`ladder-levels` → `ladderLevels`): keys a --config file may use. */
export const FLAG_KEY_TO_FIELD: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(FIELD_TO_FLAG).map(([field, flag]) => [flag.slice(2), field]),
);

/** Error for a configuration problem; the message is one line naming the flag/field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Validate a config object; throws ConfigError naming the first bad field (as flag or config key). */
export function parseConfig(input: unknown, origin: "flag" | "config" = "flag"): PaperTraderConfig {
  const cfg = validateFields(input, origin);
  // the keys the caller set are the settings given (a default cannot be a setting without effect)
  checkSources(cfg, new Set(Object.keys(input as Record<string, unknown>)));
  return cfg;
}

/** Where a setting acts, and what it does there. */
interface SourceRule {
  field: keyof PaperTraderConfig;
  sources: readonly PaperTraderConfig["source"][];
  does: string;
}

/** Settings that act on some sources only; elsewhere they would be ignored. */
const SOURCE_ONLY: readonly SourceRule[] = [
  { field: "input", sources: ["replay"], does: "it names the recording or capture a replay reads" },
  {
    field: "asset",
    sources: ["replay", "hyperliquid"],
    does: "it chooses the coin or symbol of a capture or of the live venue; the synthetic market has one",
  },
  {
    field: "szDecimals",
    sources: ["replay", "hyperliquid"],
    does: "it sets Hyperliquid's price and size grid",
  },
  {
    field: "tickSize",
    sources: ["replay"],
    does: "it overrides the inferred tick of a fixed-grid recording",
  },
  { field: "lotSize", sources: ["replay"], does: "it overrides the inferred lot of a fixed-grid recording" },
  { field: "leadInput", sources: ["replay"], does: "a lead recording is replayed beside --input" },
  { field: "binanceLead", sources: ["hyperliquid"], does: "the Binance lead feed is live-only" },
  {
    field: "record",
    sources: ["hyperliquid"],
    does: "it records the live feeds; replay a recording with --input DIR",
  },
  {
    field: "speed",
    sources: ["synthetic", "replay"],
    does: "it paces event-time sources; a live feed runs in real time",
  },
  {
    field: "hyperliquidUrl",
    sources: ["hyperliquid"],
    does: "it is the websocket of the live Hyperliquid feed",
  },
];

/** A setting that acts only when another setting allows it; elsewhere it would be ignored. */
interface DependentRule {
  field: keyof PaperTraderConfig;
  /** Whether the setting acts under this configuration. */
  acts: (cfg: PaperTraderConfig) => boolean;
  /** Why it does not act here, e.g. "without --record" or "with --fill-model queue". */
  why: (cfg: PaperTraderConfig) => string;
  does: string;
  needs: string;
}

/** Settings that act under some values of another setting only. */
const DEPENDENT: readonly DependentRule[] = [
  {
    field: "recordRotateMin",
    acts: (c) => c.record !== undefined,
    why: () => "without --record",
    does: "it sets how often a recording starts a new file",
    needs: "--record DIR",
  },
  {
    field: "binanceSymbol",
    acts: (c) => c.binanceLead,
    why: () => "without --binance-lead",
    does: "it names the symbol of the Binance lead feed",
    needs: "--binance-lead with --source hyperliquid",
  },
  {
    field: "binanceUrl",
    acts: (c) => c.binanceLead,
    why: () => "without --binance-lead",
    does: "it is the websocket of the Binance lead feed",
    needs: "--binance-lead with --source hyperliquid",
  },
  {
    field: "fillProb",
    acts: (c) => c.fillModel === "touch",
    why: (c) => `with --fill-model ${c.fillModel}`,
    does: "it is the touch model's chance that a print at an order's price fills it",
    needs: "--fill-model touch",
  },
  {
    field: "queueTradeLagMs",
    acts: (c) => c.fillModel === "queue",
    why: (c) => `with --fill-model ${c.fillModel}`,
    does: "it tells the queue model which prints the book already showed",
    needs: "--fill-model queue",
  },
];

/**
 * Cross-field checks: a replay needs `--input`, and a setting that acts on other sources only (or
 * under other values of another setting, e.g. `--fill-prob` outside `--fill-model touch`) is refused
 * rather than ignored, unless its value is the default. Only the fields in `given` are checked
 * (default: every field), so values a resume takes from its checkpoint are not.
 */
export function checkSources(cfg: PaperTraderConfig, given?: ReadonlySet<string>): void {
  if (cfg.source === "replay" && cfg.input === undefined) {
    throw new ConfigError("invalid --input: required with --source replay (a recording or raw capture path)");
  }
  // A default value is accepted anywhere, so a previous run's run.json `config` block (every field,
  // defaults included) is a valid --config file whatever its source.
  const set = (f: keyof PaperTraderConfig): boolean =>
    (given === undefined || given.has(f)) &&
    cfg[f] !== CONFIG_DEFAULTS[f] &&
    cfg[f] !== undefined &&
    cfg[f] !== false;
  for (const rule of SOURCE_ONLY) {
    if (!set(rule.field) || rule.sources.includes(cfg.source)) continue;
    throw new ConfigError(
      `invalid ${FIELD_TO_FLAG[rule.field]}: no effect with --source ${cfg.source} (${rule.does}); it needs --source ${rule.sources.join(" or ")}`,
    );
  }
  for (const rule of DEPENDENT) {
    if (!set(rule.field) || rule.acts(cfg)) continue;
    throw new ConfigError(
      `invalid ${FIELD_TO_FLAG[rule.field]}: no effect ${rule.why(cfg)} (${rule.does}); it needs ${rule.needs}`,
    );
  }
}

/**
 * Schema validation only (no cross-field checks). `keys` names a field by the key the config file
 * spelled it with (a flag name or the field name), for errors with origin "config".
 */
export function validateFields(
  input: unknown,
  origin: "flag" | "config",
  keys: Readonly<Record<string, string>> = {},
): PaperTraderConfig {
  const result = PaperTraderConfigSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = String(issue.path[0] ?? "");
    const name =
      origin === "flag"
        ? (FIELD_TO_FLAG[field] ?? field)
        : issue.path.length === 0
          ? "config" // e.g. unknown keys at the top level
          : `config field "${[keys[field] ?? field, ...issue.path.slice(1)].join(".")}"`;
    throw new ConfigError(`invalid ${name}: ${describeIssue(issue)}`);
  }
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_value" && "values" in issue) {
    return `allowed values are ${(issue.values as unknown[]).map(String).join("|")}`;
  }
  if (issue.code === "unrecognized_keys" && "keys" in issue) {
    return `unknown key(s) ${(issue.keys as string[]).join(", ")}`;
  }
  return issue.message;
}

/** The pacing a `--speed` value asks for: "max", "realtime", or the N of "Nx" (as the feeds' `pace` takes it). */
export function parseSpeed(speed: string): "max" | "realtime" | number {
  if (speed === "max" || speed === "realtime") return speed;
  const m = /^(\d+(?:\.\d+)?)x$/.exec(speed);
  if (m === null || Number(m[1]) <= 0)
    throw new ConfigError(`invalid --speed: allowed values are max|realtime|Nx (got "${speed}")`);
  return Number(m[1]);
}
