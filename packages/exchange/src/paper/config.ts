import { arrivalCurveProblem, rejectUnknownKeys } from "@mmkit/core";
import { z } from "zod";
import { DEFAULT_QUEUE_TRADE_LAG_MS } from "./fill-models.js";

const latencySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("constant"), orderEntryMs: z.number().min(0), cancelMs: z.number().min(0) }),
  z.object({
    kind: z.literal("uniform"),
    orderEntryMinMs: z.number().min(0),
    orderEntryMaxMs: z.number().min(0),
    cancelMinMs: z.number().min(0),
    cancelMaxMs: z.number().min(0),
  }),
  z.object({
    kind: z.literal("lognormal"),
    orderEntryMedianMs: z.number().min(0),
    cancelMedianMs: z.number().min(0),
    sigma: z.number().min(0),
    capMs: z.number().positive().optional(),
  }),
]);

const queueShareSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("proportional") }),
  z.object({ kind: z.literal("power"), exponent: z.number().positive() }),
  z.object({ kind: z.literal("allBehind") }),
]);

/** Paper-exchange configuration (zod schema with defaults). */
export const PaperExchangeConfigSchema = z.object({
  /** Fill model by name. */
  fillModel: z.enum(["touch", "queue", "through"]).default("queue"),
  /** `touch`: probability that a print exactly at our price fills us. */
  touchProb: z.number().min(0).max(1).default(0.5),
  /** `queue`: how unexplained displayed-size decreases split ahead/behind us. */
  queueShare: queueShareSchema.default({ kind: "proportional" }),
  /**
   * `queue`: a recorded print at our price within this many ms after an unexplained displayed
   * decrease there is taken as that decrease (feeds often show a trade's footprint before its
   * print), so the same traded quantity does not advance the queue twice (0 = off).
   */
  queueTradeLagMs: z.number().min(0).max(60_000).default(DEFAULT_QUEUE_TRADE_LAG_MS),
  /** Maker fee in bps of notional (negative = rebate). Hyperliquid tier 0: 1.5. */
  makerFeeBps: z.number().min(-100).max(100).default(1.5),
  /** Taker fee in bps (reported for completeness; only post-only orders are simulated). Tier 0: 4.5. */
  takerFeeBps: z.number().min(-100).max(100).default(4.5),
  /** Order-entry / cancel latency model. */
  latency: latencySchema.default({ kind: "constant", orderEntryMs: 50, cancelMs: 50 }),
  /** Seed of every random draw (latency, touch coin flips, virtual-order coin flips). */
  seed: z.number().int().default(1),
  /** Horizons (s) for fill-probability predictions and fill markouts. */
  horizonsSec: z.array(z.number().positive()).min(1).default([1, 5, 30]),
  /** Price tick: prints one tick beyond our price are "through" in the prediction (0 = continuous). */
  tickSize: z.number().min(0).default(0),
  /**
   * Size lot in base units: fills are whole lots (a print's share below one lot fills nothing), so
   * fill sizes, remaining sizes and the position stay on the venue's size grid (0 = continuous).
   */
  lotSize: z.number().min(0).default(0),
  /** Starting equity (cash) in quote currency. */
  startingEquityQuote: z.number().default(0),
  /**
   * A trade print more than this factor away from the mid (above mid × factor or below
   * mid / factor; the last mid while the book is one-sided) is refused as corrupt data: it fills
   * nothing and is counted in `rejectedTradeEvents`. Venues' price bands keep real perp prints
   * within a few % of the mark; 10× also passes any real crash through a stale book. A huge factor
   * (1e300) turns the check off.
   */
  printBandFactor: z.number().gt(1).default(10),
  /**
   * Market-data silence (ms) after which the feed counts as out (a recording gap, an outage): until
   * the next market event, horizons ending in the silence past this limit get no outcome — a
   * markout's mid there and a fill window overlapping it are unknown (null), not read off the
   * last book before the outage. The paper trader uses its kill switch's staleness limit.
   */
  maxDataGapMs: z.number().positive().max(86_400_000).default(10_000),
  /** Which event timestamp drives the exchange clock. */
  clock: z.enum(["exchange", "local"]).default("exchange"),
  /** Fitted intensity for predictions (can be updated with `setIntensity`). */
  intensity: z
    .object({
      aPerSec: z.number().min(0),
      kappaPerFrac: z.number().min(0),
      sigmaPerSqrtSec: z.number().min(0).optional(),
      curve: z
        .object({ depthFrac: z.array(z.number()), ratePerSec: z.array(z.number()) })
        .superRefine((c, ctx) => {
          const problem = arrivalCurveProblem(c);
          if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
        })
        .optional(),
    })
    .optional(),
});

/** Configuration as the caller writes it (every field optional). */
export type PaperExchangeConfigInput = z.input<typeof PaperExchangeConfigSchema>;
/** Configuration with defaults applied. */
export type PaperExchangeConfig = z.output<typeof PaperExchangeConfigSchema>;

/** Parse and validate a config; errors name the field and the allowed range. */
export function parsePaperExchangeConfig(input: PaperExchangeConfigInput = {}): PaperExchangeConfig {
  rejectUnknownKeys(PaperExchangeConfigSchema, input, "paper exchange config");
  const r = PaperExchangeConfigSchema.safeParse(input);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`invalid paper exchange config: ${msg}`);
  }
  return r.data;
}
