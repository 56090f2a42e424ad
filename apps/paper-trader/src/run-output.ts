/** A run's JSONL output and what it does when the disk fails it: [OUTPUT] lines, held checkpoints, losses. */
import { AnalyticsLogger, type LoggerStats } from "@mmkit/analytics";
import type { Logger } from "pino";
import { CHECKPOINT_FILE } from "./checkpoint.js";

/** The run's analytics logger (1 s flushes, rotation at `rotateMb`) logging write trouble, and its checkpoint gate. */
export function openRunOutput(
  outputDir: string,
  rotateMb: number,
  logger: Logger,
): { out: AnalyticsLogger; heldCheckpoints: HeldCheckpoints } {
  const out = new AnalyticsLogger({
    dir: outputDir,
    flushIntervalMs: 1000,
    rotateBytes: Math.round(rotateMb * 2 ** 20),
    onWriteTrouble: (e) =>
      e.kind === "error"
        ? logger.error(
            `[OUTPUT] cannot write ${e.stream}.jsonl (${e.message}): its records are held in memory and retried every second; checkpoints wait until they are on disk`,
          )
        : logger.warn(`[OUTPUT] ${e.stream}.jsonl is writable again: ${e.message}`),
  });
  return { out, heldCheckpoints: new HeldCheckpoints(logger) };
}

/**
 * Checkpoints held back while records are not on disk (a resume from one would never rewrite them)
 * or failing to write: logged once per episode; `lastHeld` says why the latest one was not written.
 */
export class HeldCheckpoints {
  private held = false;
  /** Why the latest checkpoint was not written (null: it was). */
  lastHeld: string | null = null;

  constructor(private readonly logger: Pick<Logger, "warn" | "error">) {}

  /** Write a checkpoint through `writeIt` unless `unwrittenRecords` > 0; whether it was written. */
  write(unwrittenRecords: number, writeIt: () => void): boolean {
    let why: string | null = null;
    if (unwrittenRecords > 0) why = `${unwrittenRecords} record(s) not on disk yet`;
    else {
      try {
        writeIt();
      } catch (err) {
        why = `cannot write ${CHECKPOINT_FILE} (${(err as Error).message})`;
      }
    }
    if (why === null) {
      if (this.held) this.logger.warn("[CHECKPOINT] written again");
      this.held = false;
      this.lastHeld = null;
      return true;
    }
    if (!this.held)
      this.logger.error(
        `[CHECKPOINT] not written: ${why}; the last one written stays the one --resume starts from, retried at the next checkpoint`,
      );
    this.held = true;
    this.lastHeld = why;
    return false;
  }
}

/** What a run lost to write errors (records, its final checkpoint), or null when nothing. */
export function lostRecordsText(stats: LoggerStats, held: HeldCheckpoints): string | null {
  const parts: string[] = [];
  if (stats.totalDropped > 0)
    parts.push(`${stats.totalDropped} record(s) could not be written (${stats.lastError ?? "I/O error"})`);
  if (held.lastHeld !== null)
    parts.push(
      `the final checkpoint was not written (${held.lastHeld}): --resume starts from the last one written`,
    );
  return parts.length === 0 ? null : parts.join("; ");
}
