/** Archiving a previous run's files before a fresh run writes to the same output directory. */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { RUN_MANIFEST_FILE } from "@mmkit/analytics";
import type { Logger } from "pino";
import { ConfigError } from "./config.js";
import { AFTER_CHECKPOINT_DIR } from "./stream-files.js";

/** Move a previous run's files into `<dir>/archive/<run id>/` so a fresh run never mixes with or destroys them. */
export function archivePreviousRun(dir: string, logger: Logger): void {
  if (!existsSync(dir)) return;
  const names = readdirSync(dir).filter(
    (f) =>
      f.endsWith(".jsonl") ||
      f === RUN_MANIFEST_FILE ||
      f === "checkpoint.json" ||
      f === AFTER_CHECKPOINT_DIR,
  );
  if (names.length === 0) return;
  let previous = `run-${Date.now().toString(36)}`;
  let unfinished = false;
  try {
    const m = JSON.parse(readFileSync(join(dir, RUN_MANIFEST_FILE), "utf8")) as {
      run_id?: unknown;
      ended_ts_ms?: unknown;
    };
    if (typeof m.run_id === "string" && /^[\w.-]+$/.test(m.run_id)) previous = m.run_id;
  } catch {
    // no or unreadable manifest: keep the time-based name
  }
  // Resumable: a checkpoint that does not say the run completed (a pause writes run.json's end
  // too, so only the checkpoint tells a paused run from a finished one).
  try {
    const cp = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as {
      completed_reason?: unknown;
    };
    unfinished = cp.completed_reason === null;
  } catch {
    // no or unreadable checkpoint: nothing to resume
  }
  let target = join(dir, "archive", previous);
  for (let i = 2; existsSync(target); i++) target = join(dir, "archive", `${previous}-${i}`);
  mkdirSync(target, { recursive: true });
  const moved: string[] = [];
  try {
    for (const f of names) {
      renameSync(join(dir, f), join(target, f));
      moved.push(f);
    }
  } catch (err) {
    // All or nothing: a run half in the archive and half in place would be two runs to the next try.
    for (const f of moved.reverse()) renameSync(join(target, f), join(dir, f));
    rmdirIfEmpty(target);
    rmdirIfEmpty(join(dir, "archive"));
    throw new ConfigError(
      `invalid --output-dir: cannot archive the previous run in ${dir} (${(err as Error).message}): its files were left in place; free it (permissions, immutable flag) or choose another --output-dir`,
    );
  }
  if (unfinished)
    logger.warn(
      `[OUTPUT] the previous run had not finished (stopped or killed, resumable): its files moved to ${target}; continue it with --resume --output-dir ${target}`,
    );
  else logger.info(`[OUTPUT] previous run's files moved to ${target}`);
}

function rmdirIfEmpty(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // not empty or already gone: leave it
  }
}
