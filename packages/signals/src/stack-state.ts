/** zod schema of a `SignalStack` checkpoint (what `getState()` returns and `setState()` accepts). */
import { z } from "zod";
import { LeadLagStateSchema } from "./lead-lag-state.js";

const num = z.number();
const finite = z.number().finite();
const nullableNum = z.number().nullable();

const levelSchema = z.object({ price: finite, size: finite, count: z.number().optional() });
const bookSchema = z.object({
  bids: z.array(levelSchema),
  asks: z.array(levelSchema),
  exchangeTsMs: finite,
  localTsMs: finite,
});

/** Schema of a full stack checkpoint. */
export const SignalStackStateSchema = z.object({
  version: z.literal(1),
  cycleId: z.number().int().nonnegative(),
  lastTsMs: finite,
  pendingMarkouts: z.array(
    z.object({ dueMs: finite, side: z.enum(["buy", "sell"]), midAtFill: z.number().positive() }),
  ),
  /** Mid after the last two-sided book event (absent in older checkpoints and before any mid). */
  lastMid: z.number().positive().optional(),
  /** Time of the last accepted book event (absent in older checkpoints and before any book). */
  lastBookTsMs: finite.optional(),
  warmup: z.object({
    trades: z.number().int().nonnegative(),
    bookUpdates: z.number().int().nonnegative(),
    buckets: z.number().int().nonnegative(),
    estimatorConfidence: nullableNum,
    /** Absent in checkpoints written before it existed. */
    bestEstimatorConfidence: nullableNum.optional(),
    fills: z.number().int().nonnegative(),
    firstTsMs: nullableNum,
    lastTsMs: nullableNum,
    /** Absent in checkpoints written before they existed. */
    lastDataTsMs: nullableNum.optional(),
    unobservedMs: z.number().nonnegative().optional(),
    completed: z.boolean(),
  }),
  regime: z.object({
    paramsJson: z.string().nullable(),
    // null = log −∞ (a state with probability 0; JSON has no −∞)
    filter: z
      .object({ started: z.boolean(), count: z.number().int(), logProbs: z.array(num.nullable()) })
      .nullable(),
    window: z.array(z.array(finite)),
    bucketsSeen: z.number().int().nonnegative(),
    bucketsSinceFit: z.number().int().nonnegative(),
    fits: z.number().int().nonnegative(),
    builder: z.object({
      bucketStartMs: nullableNum,
      lastMid: nullableNum,
      lastSpreadBps: nullableNum,
      sumSqRetBps: finite,
      spreadSumBps: finite,
      spreadCount: z.number().int().nonnegative(),
      tradeCount: z.number().int().nonnegative(),
    }),
  }),
  knife: z.object({
    mids: z.array(finite),
    head: z.number().int().nonnegative(),
    filled: z.number().int().nonnegative(),
    flowHead: z.number().int().nonnegative(),
    buyVol: z.array(finite),
    sellVol: z.array(finite),
    nextSampleMs: nullableNum,
    lastMid: nullableNum,
    varSlow: finite,
    varFast: finite,
    samples: z.number().int().nonnegative(),
    active: z.boolean(),
    direction: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
    severity: finite,
    score: finite,
    onSinceMs: finite,
    externalSigma: nullableNum,
  }),
  alphaKappa: z.object({
    count: z.number().int().nonnegative(),
    toxicityBps: finite,
    adverseFreq: z.number().min(0).max(1).default(0.5),
  }),
  rl: z.object({
    q: z.array(finite),
    visits: z.array(z.number().int().nonnegative()),
    rng: z.tuple([num, num, num, num]),
    pending: z.object({ state: z.number().int(), action: z.number().int(), pnlQuote: finite }).nullable(),
    currentAction: z.number().int().nonnegative(),
    nextDecisionMs: nullableNum,
    updates: z.number().int().nonnegative(),
  }),
  imbalance: z.object({ edgeBps: finite, lastTsMs: nullableNum, oneSided: z.boolean().optional() }),
  book: bookSchema,
  /** Lead–lag signal and reference book (present only when lead–lag is enabled; absent in older checkpoints). */
  leadLag: z.object({ signal: LeadLagStateSchema, referenceBook: bookSchema }).optional(),
});

/** A `SignalStack` checkpoint. */
export type SignalStackState = z.infer<typeof SignalStackStateSchema>;
