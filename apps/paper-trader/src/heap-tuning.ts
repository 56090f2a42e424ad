/**
 * V8 heap sizing for long unattended runs. With its default heuristics V8 lets the old generation
 * grow to up to ~4× the live heap before a full collection; the paper trader's live state is
 * ~30 MB but it produces garbage fast, so a week-long run sat at 270–298 MB RSS (target < 300 MB).
 * A growing factor of 2 keeps it at ~170 MB after a day for ~3–5 % of throughput.
 *
 * The young generation is the other half: at V8's default (16 MB semi-spaces) the records, order
 * contexts and markouts that live a fraction of a second of wall time at full replay speed survive
 * two scavenges and are promoted, so the old generation fills with short-lived garbage. 32 MB
 * semi-spaces let them die young: ~18–20 % more throughput for ~30–45 MB of RSS (see the app README).
 * V8 sizes the young generation when it creates the heap, so that flag only works on node's
 * command line (`v8.setFlagsFromString` after start-up has no effect — measured): the root
 * `pnpm paper-trader` script and `pnpm bench` pass {@link YOUNG_GENERATION_FLAG}.
 */
import { setFlagsFromString } from "node:v8";

/** The V8 flag the CLI sets: heap growing factor 2 (V8's default goes up to 4). */
export const HEAP_GROWING_FLAG = "--heap-growing-percent=100";

/** The node flag the root script and the benchmark start the paper trader with (see above). */
export const YOUNG_GENERATION_FLAG = "--max-semi-space-size=32";

/** Flags by which a user already chose the old generation's sizing (then it is left alone). */
const USER_HEAP_FLAGS = ["--max-old-space-size", "--heap-growing-percent"];

/**
 * Apply {@link HEAP_GROWING_FLAG} unless the process was started with its own old-generation
 * flags (argv or NODE_OPTIONS; a young-generation flag such as {@link YOUNG_GENERATION_FLAG} does
 * not count). Returns what it did. V8 reads this factor whenever it sizes the heap after a full
 * collection, so setting it at start-up takes effect (measured: old space peaks at ~50 MB instead
 * of ~140 MB between collections).
 */
export function tuneHeapForLongRuns(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env["NODE_OPTIONS"] ?? "",
): "applied" | "user-flags" | "unsupported" {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  // V8 accepts both spellings (--max-old-space-size, --max_old_space_size)
  if (given.some((a) => USER_HEAP_FLAGS.some((f) => a.replace(/_/g, "-").startsWith(f)))) return "user-flags";
  try {
    setFlagsFromString(HEAP_GROWING_FLAG);
    return "applied";
  } catch {
    return "unsupported";
  }
}
