import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { LoggerStats } from "@mmkit/analytics";
import type { Logger } from "pino";
import { dirname, join } from "node:path";
import { ConfigError } from "./config.js";

/** File name of the checkpoint inside the output directory. */
export const CHECKPOINT_FILE = "checkpoint.json";

/** Current checkpoint format version. */
export const CHECKPOINT_VERSION = 1;

/** Write a checkpoint atomically (temp file + rename), so a crash mid-write never corrupts the last good one. */
export function writeCheckpoint(outputDir: string, state: unknown): string {
  const path = join(outputDir, CHECKPOINT_FILE);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify({ checkpoint_version: CHECKPOINT_VERSION, ...(state as object) }));
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true }); // a disk full mid-write leaves no half file behind
    } catch {
      // not a file (or not removable): the write's own error is the one to report
    }
    throw err;
  }
  return path;
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

/** Read the checkpoint of an output directory, or null when there is none. Throws on a corrupt or foreign file. */
export function readCheckpoint(outputDir: string): Record<string, unknown> | null {
  const path = join(outputDir, CHECKPOINT_FILE);
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8").replace(/^\uFEFF/, ""));
  } catch (err) {
    // nothing is written or moved: the run's files stay as they are for inspection
    throw new ConfigError(
      `cannot --resume: checkpoint ${path} is not readable JSON (${(err as Error).message})`,
    );
  }
  if (
    value === null ||
    typeof value !== "object" ||
    (value as Record<string, unknown>)["checkpoint_version"] !== CHECKPOINT_VERSION
  ) {
    throw new ConfigError(
      `cannot --resume: checkpoint ${path} has an unknown format (expected checkpoint_version ${CHECKPOINT_VERSION})`,
    );
  }
  return value as Record<string, unknown>;
}
