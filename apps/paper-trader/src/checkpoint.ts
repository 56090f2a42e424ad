import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
