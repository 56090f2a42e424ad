import { rejectUnknownKeys } from "@mmkit/core";
import { z } from "zod";

const pos = (name: string) => z.number().positive(`${name} must be > 0`);
const nonNeg = (name: string) => z.number().nonnegative(`${name} must be >= 0`);

/** One volatility regime of the synthetic mid. */
export const regimeSchema = z.object({
  name: z.string().min(1),
  /** Diffusion volatility of log-mid per √second. */
  sigmaPerSqrtSec: nonNeg("sigmaPerSqrtSec"),
  /** Mean time spent in the regime before switching (s); the dwell is exponential. */
  meanDwellSec: pos("meanDwellSec").default(1200),
});

/** Default regimes: calm / normal / volatile. */
export const DEFAULT_REGIMES = [
  { name: "calm", sigmaPerSqrtSec: 0.5e-4, meanDwellSec: 1800 },
  { name: "normal", sigmaPerSqrtSec: 1e-4, meanDwellSec: 1200 },
  { name: "volatile", sigmaPerSqrtSec: 2.5e-4, meanDwellSec: 600 },
];

/** Synthetic market configuration (zod; every field has a default). */
export const syntheticMarketConfigSchema = z
  .object({
    /** RNG seed (integer). */
    seed: z.number().int().default(1),
    /** Event time of the first event (ms since epoch). */
    startTsMs: z.number().int().nonnegative().default(1_735_689_600_000),
    /** Length of the market (s). */
    durationSec: pos("durationSec").default(3600),
    /** Starting mid price. */
    initialMid: pos("initialMid").default(100_000),
    /** Price tick. */
    tickSize: pos("tickSize").default(0.1),
    /** Size lot. */
    lotSize: pos("lotSize").default(0.001),
    /** Volatility regimes (≥ 1). */
    regimes: z.array(regimeSchema).min(1).default(DEFAULT_REGIMES),
    /** Name of the starting regime. */
    initialRegime: z.string().default("normal"),
    /**
     * Optional transition weights: `transitionWeights[i][j]` ∝ P(next = j | leaving i); the
     * diagonal is ignored. Default: uniform over the other regimes.
     */
    transitionWeights: z.array(z.array(nonNeg("transitionWeights[i][j]"))).optional(),
    /** Jumps of the mid: Poisson arrivals; size |bps| exponential with the given mean, random sign. */
    jumps: z
      .object({
        ratePerHour: nonNeg("jumps.ratePerHour").default(0.5),
        meanSizeBps: nonNeg("jumps.meanSizeBps").default(20),
      })
      .default({ ratePerHour: 0.5, meanSizeBps: 20 }),
    /** Sustained one-way runs (falling/rising knives): Poisson starts, fixed duration, constant drift. */
    runs: z
      .object({
        ratePerHour: nonNeg("runs.ratePerHour").default(0.5),
        durationSec: pos("runs.durationSec").default(120),
        driftBpsPerSec: nonNeg("runs.driftBpsPerSec").default(0.5),
      })
      .default({ ratePerHour: 0.5, durationSec: 120, driftBpsPerSec: 0.5 }),
    /** Market orders per side: Poisson rate `aPerSec`, reached depth δ ~ Exp(κ) as a fraction of mid. */
    marketOrders: z
      .object({
        aPerSec: nonNeg("marketOrders.aPerSec").default(1.5),
        kappaPerFrac: pos("marketOrders.kappaPerFrac").default(8000),
      })
      .default({ aPerSec: 1.5, kappaPerFrac: 8000 }),
    /** Displayed book shape and dynamics. */
    book: z
      .object({
        /** Displayed levels per side. */
        levels: z.number().int().min(20).max(1000).default(40),
        /** Levels at every tick from the touch; the rest are spaced `coarseStepBps` apart. */
        denseLevels: z.number().int().min(1).default(10),
        /** Spacing of the deeper levels in bps of the initial mid (rounded to whole ticks, ≥ 1 tick). */
        coarseStepBps: pos("book.coarseStepBps").default(0.2),
        /** Mean size at the touch (base units). */
        touchSize: pos("book.touchSize").default(0.5),
        /** Mean size grows linearly with depth: mean(i) = touchSize·(1 + growth·i). */
        sizeGrowthPerLevel: nonNeg("book.sizeGrowthPerLevel").default(0.1),
        /** Random re-sizes (adds/cancels) per side per second. */
        replenishPerSec: nonNeg("book.replenishPerSec").default(5),
        /** Book/mid update step (ms). */
        updateIntervalMs: pos("book.updateIntervalMs").default(100),
        /** Full snapshot every this many seconds (the first event is always a snapshot). */
        snapshotIntervalSec: pos("book.snapshotIntervalSec").default(60),
      })
      .default({
        levels: 40,
        denseLevels: 10,
        coarseStepBps: 0.2,
        touchSize: 0.5,
        sizeGrowthPerLevel: 0.1,
        replenishPerSec: 5,
        updateIntervalMs: 100,
        snapshotIntervalSec: 60,
      }),
    /** Local receive time = exchange time + this latency (ms). */
    localLatencyMs: nonNeg("localLatencyMs").default(0),
    /** Pacing of the async iterator (`events()` is never paced). */
    speed: z.union([z.literal("max"), z.literal("realtime"), pos("speed")]).default("max"),
  })
  .superRefine((c, ctx) => {
    if (!c.regimes.some((r) => r.name === c.initialRegime)) {
      ctx.addIssue({
        code: "custom",
        path: ["initialRegime"],
        message: `initialRegime "${c.initialRegime}" is not one of ${c.regimes.map((r) => r.name).join(", ")}`,
      });
    }
    const w = c.transitionWeights;
    if (w && (w.length !== c.regimes.length || w.some((row) => row.length !== c.regimes.length))) {
      ctx.addIssue({
        code: "custom",
        path: ["transitionWeights"],
        message: "must be an n×n matrix for n regimes",
      });
    }
    if (c.book.denseLevels > c.book.levels) {
      ctx.addIssue({ code: "custom", path: ["book", "denseLevels"], message: "must be <= book.levels" });
    }
    // Relative tolerance: 1/1e-9 is 999999999.9999999 in doubles, and it is a valid grid.
    const inv = 1 / c.tickSize;
    if (Math.abs(inv - Math.round(inv)) > 1e-9 * Math.max(1, inv)) {
      ctx.addIssue({
        code: "custom",
        path: ["tickSize"],
        message: "1/tickSize must be an integer (e.g. 0.1, 0.01, 1)",
      });
    }
    const invLot = 1 / c.lotSize;
    if (Math.abs(invLot - Math.round(invLot)) > 1e-9 * Math.max(1, invLot)) {
      ctx.addIssue({
        code: "custom",
        path: ["lotSize"],
        message: "1/lotSize must be an integer (e.g. 0.001)",
      });
    }
  });

/** Input accepted by `new SyntheticMarket(...)` (all fields optional). */
export type SyntheticMarketConfigInput = z.input<typeof syntheticMarketConfigSchema>;
/** Fully resolved configuration. */
export type SyntheticMarketConfig = z.output<typeof syntheticMarketConfigSchema>;

/** Validate a config, throwing an Error naming each bad field. */
export function parseSyntheticConfig(input: SyntheticMarketConfigInput = {}): SyntheticMarketConfig {
  rejectUnknownKeys(syntheticMarketConfigSchema, input, "SyntheticMarket config");
  const r = syntheticMarketConfigSchema.safeParse(input);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`invalid SyntheticMarket config: ${msg}`);
  }
  return r.data;
}
