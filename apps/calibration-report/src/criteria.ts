/** Go/no-go thresholds: a zod schema with defaults, loadable from a JSON file or CLI flags. */
import { readFile } from "node:fs/promises";
import { stripBom } from "@mmkit/analytics";
import { z } from "zod";

/** Zod schema of the go/no-go criteria (every field has a default). */
export const CriteriaSchema = z
  .object({
    /** Minimum annualized Sharpe (strictly greater passes). */
    minSharpe: z.number().finite().default(2.0),
    /** Maximum Brier score of the fill-probability forecasts (strictly lower passes). */
    maxBrier: z.number().min(0).max(1).default(0.2),
    /**
     * Minimum Brier skill score against the base rate, 1 − Brier/(ō(1 − ō)) (strictly greater
     * passes): forecasts no better than always predicting the observed fill rate fail however low
     * their Brier score (a rare outcome makes any near-0 forecast score well). null = not checked.
     */
    minBrierSkill: z.number().max(1).nullable().default(0),
    /**
     * The edge criterion, on the fills' realized edge at the primary markout horizon (overlap-robust
     * one-sided tests at the edge verdict's α): "positive" — PASS only when significantly > 0, FAIL
     * when significantly < 0 or not significant over `minFills` fills; "not_negative" — FAIL only when
     * significantly < 0; "off" — not judged.
     */
    edgeCriterion: z.enum(["positive", "not_negative", "off"]).default("positive"),
    /** Maximum drawdown from peak equity, in percent (strictly lower passes). */
    maxDrawdownPct: z.number().positive().max(100).default(3),
    /** Minimum fills before any verdict is trusted. */
    minFills: z.number().int().min(0).default(5000),
    /** Minimum return buckets behind the Sharpe figure. */
    minSharpeSamples: z.number().int().min(2).default(30),
    /** Minimum resolved forecasts behind the Brier figure. */
    minPredictions: z.number().int().min(1).default(100),
    /** Minimum filled AND unfilled forecasts behind the Brier figure (its skill is noise with fewer). */
    minBrierOutcomes: z.number().int().min(1).default(10),
    /** Minimum equity samples behind the drawdown figure. */
    minEquitySamples: z.number().int().min(2).default(2),
    /** Minimum fills at a markout horizon before the edge t-test gives a verdict. */
    minEdgeSamples: z.number().int().min(2).default(30),
    /** Fill-probability horizon (ms) judged by the Brier criterion; null = 1000 ms if present, else the best-sampled. */
    brierHorizonMs: z.number().positive().nullable().default(null),
    /** A run whose kill switch went to `halted` may still be GO (default false: such a run is NO-GO). */
    allowHalted: z.boolean().default(false),
  })
  .strict();

/** Go/no-go thresholds after defaults are applied. */
export type Criteria = z.infer<typeof CriteriaSchema>;

/** Partial criteria as given by a user (file or flags). */
export type CriteriaInput = z.input<typeof CriteriaSchema>;

/** The default criteria the strategy was designed against: Sharpe > 2, Brier < 0.20, drawdown < 3%, 5,000 fills. */
export const DEFAULT_CRITERIA: Criteria = CriteriaSchema.parse({});

/** Validate criteria, naming the offending field in the error. */
export function parseCriteria(input: unknown, source = "criteria"): Criteria {
  const res = CriteriaSchema.safeParse(input ?? {});
  if (!res.success) {
    const first = res.error.issues[0];
    const field = first && first.path.length > 0 ? first.path.join(".") : "(root)";
    throw new Error(`${source}: invalid field ${field}: ${first?.message ?? "invalid"}`);
  }
  return res.data;
}

/** Read and validate a criteria JSON file; CLI overrides win over the file's values. */
export async function loadCriteria(
  file: string | undefined,
  overrides: CriteriaInput = {},
): Promise<Criteria> {
  let fromFile: Record<string, unknown> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      throw new Error(
        `cannot read criteria file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(stripBom(text)); // a byte-order mark (Windows editors) is not an error
    } catch (err) {
      throw new Error(`criteria file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new Error(`criteria file ${file} must hold a JSON object`);
    }
    fromFile = parsed as Record<string, unknown>;
    parseCriteria(fromFile, `criteria file ${file}`);
  }
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v;
  return parseCriteria(merged, file === undefined ? "criteria" : `criteria (file ${file} + flags)`);
}
