/**
 * The JSONL stream files behind a checkpoint: their sizes and rotated parts when it is written, and
 * putting them back as they were at it when a run resumes (so no record is written twice).
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
} from "node:fs";
import { join } from "node:path";
import { jsonlParts, STREAM_FILES, type StreamName } from "@mmkit/analytics";
import { ConfigError } from "./config.js";

/** Current size of every stream file in `dir` (0 when missing). */
export function streamSizes(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, file] of Object.entries(STREAM_FILES)) {
    const path = join(dir, file);
    out[name] = existsSync(path) ? statSync(path).size : 0;
  }
  return out;
}

/** Number of rotated parts (`name.N.jsonl`) of every stream in `dir`. */
export function streamParts(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, file] of Object.entries(STREAM_FILES)) out[name] = rotatedParts(join(dir, file)).length;
  return out;
}

function rotatedParts(path: string): string[] {
  return jsonlParts(path).filter((f) => f !== path);
}

/**
 * Refuse a resume (ConfigError, before any file changes) when a stream was changed before the
 * checkpoint's end: the file holding that end no longer has a line break right before it (a line
 * edited by hand, shorter or longer), so truncating there would glue half an old record onto the
 * first new one.
 */
export function checkStreamsAtCheckpoint(
  dir: string,
  sizes: Record<string, number>,
  parts?: Record<string, number>,
): void {
  for (const [name, file] of Object.entries(STREAM_FILES) as [StreamName, string][]) {
    const want = sizes[name] ?? 0;
    if (want === 0) continue;
    const path = join(dir, file);
    const keepParts = parts?.[name];
    const rotated = rotatedParts(path);
    // the file that was current at the checkpoint: a part renamed since, or the current file
    const held = keepParts !== undefined && rotated.length > keepParts ? rotated[keepParts]! : path;
    if (!existsSync(held) || statSync(held).size < want) continue; // shorter: truncateStreams warns
    if (byteAt(held, want - 1) === 10) continue;
    throw new ConfigError(
      `cannot --resume: ${file} was changed before the checkpoint's end (its byte ${want} is not the end of a line: a line edited or removed by hand?); resuming would cut a record in half. Put the file back as the run wrote it, or start a new run in another --output-dir; nothing was changed`,
    );
  }
}

function byteAt(path: string, offset: number): number {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(1);
    return readSync(fd, b, 0, 1, offset) === 1 ? b[0]! : -1;
  } finally {
    closeSync(fd);
  }
}

/**
 * Put each stream back as it was at the checkpoint, so the records written after it are replayed
 * exactly once: when the stream rotated after the checkpoint, the part that was current then is
 * renamed back (newer parts and the newer current file are removed); then the current file is
 * truncated to its checkpointed size. `parts` is absent in checkpoints written before rotation was
 * tracked (only truncation then). With `setAsideDir` (a live source, whose events cannot be
 * replayed) nothing written after the checkpoint is deleted: it is moved into that directory.
 */
export function truncateStreams(
  dir: string,
  sizes: Record<string, number>,
  parts?: Record<string, number>,
  setAsideDir: string | null = null,
): ResumeNote[] {
  const notes: ResumeNote[] = [];
  const aside = setAsideDir === null ? null : new SetAside(setAsideDir);
  for (const [name, file] of Object.entries(STREAM_FILES) as [StreamName, string][]) {
    const path = join(dir, file);
    const keepParts = parts?.[name];
    const want = sizes[name] ?? 0;
    let setAside = false;
    if (keepParts !== undefined) {
      const rotated = rotatedParts(path);
      if (rotated.length > keepParts) {
        // rotated[keepParts] was the current file at the checkpoint; everything after it is newer.
        const was = rotated[keepParts]!;
        const newer = rotated.slice(keepParts + 1);
        if (aside !== null) {
          // in the order written: the rest of the part current at the checkpoint, newer parts, the current file
          aside.append(file, was, want);
          for (const f of [...newer, path]) if (existsSync(f)) aside.append(file, f, 0);
          setAside = true;
        }
        for (const f of newer) rmSync(f);
        if (existsSync(path)) rmSync(path);
        renameSync(was, path);
        notes.push(
          aside === null
            ? info(`${file}: ${rotated.length - keepParts} rotation(s) after the checkpoint undone`)
            : warn(
                `${file}: ${rotated.length - keepParts} rotation(s) after the checkpoint undone; what was written after the checkpoint was moved to ${join(aside.dir, file)} (a live market cannot be replayed: that trading is not part of the resumed run)`,
              ),
        );
      }
    }
    if (!existsSync(path)) {
      if (want > 0)
        notes.push(
          warn(
            `${file}: missing (${want} bytes at the checkpoint): its records up to the checkpoint are lost`,
          ),
        );
      continue;
    }
    const have = statSync(path).size;
    if (have > want) {
      if (aside !== null && !setAside) aside.append(file, path, want);
      truncateSync(path, want);
      if (aside === null)
        notes.push(
          info(`${file}: ${have - want} bytes after the checkpoint removed (they will be rewritten)`),
        );
      else if (!setAside)
        notes.push(
          warn(
            `${file}: ${have - want} bytes written after the checkpoint moved to ${join(aside.dir, file)} (a live market cannot be replayed: that trading is not part of the resumed run)`,
          ),
        );
    } else if (have < want) {
      // Lost on disk (e.g. a power cut before the data reached it): keep whole lines only, so the
      // records appended now start on a line of their own.
      const kept = lastLineEnd(path, have);
      if (kept < have) truncateSync(path, kept);
      notes.push(
        warn(
          `${file}: shorter than at the checkpoint (${have} < ${want} bytes): records written before the checkpoint are lost${kept < have ? `; its cut last line (${have - kept} bytes) was removed` : ""}`,
        ),
      );
    }
  }
  return notes;
}

/** Directory (in the output directory) where a live resume sets aside what followed its checkpoint. */
export const AFTER_CHECKPOINT_DIR = "after-checkpoint";

/** A set-aside directory of its own for this resume: `after-checkpoint/<UTC time to the ms>[-N]` (not created). */
export function newSetAsideDir(outputDir: string): string {
  const stamp = new Date().toISOString().replaceAll(":", "-");
  let dir = join(outputDir, AFTER_CHECKPOINT_DIR, stamp);
  for (let i = 2; existsSync(dir); i++) dir = join(outputDir, AFTER_CHECKPOINT_DIR, `${stamp}-${i}`);
  return dir;
}

/** Where a live resume moves what was written after its checkpoint (created on first use). */
class SetAside {
  constructor(readonly dir: string) {}

  /** Append `path` from byte `from` to its end to this directory's `file`. */
  append(file: string, path: string, from: number): void {
    mkdirSync(this.dir, { recursive: true });
    const to = statSync(path).size;
    const fd = openSync(path, "r");
    try {
      const target = join(this.dir, file);
      const chunk = Buffer.alloc(1 << 20);
      for (let pos = from; pos < to; ) {
        const n = readSync(fd, chunk, 0, Math.min(chunk.length, to - pos), pos);
        if (n === 0) break;
        appendFileSync(target, chunk.subarray(0, n));
        pos += n;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** A message about the stream files a resume found; `warn` when records were lost. */
export interface ResumeNote {
  level: "info" | "warn";
  text: string;
}

const info = (text: string): ResumeNote => ({ level: "info", text });
const warn = (text: string): ResumeNote => ({ level: "warn", text });

/** Byte offset just past the last newline in the first `size` bytes of `path` (0 when there is none). */
function lastLineEnd(path: string, size: number): number {
  const fd = openSync(path, "r");
  try {
    const chunk = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const i = chunk.subarray(0, n).lastIndexOf(10);
      if (i >= 0) return start + i + 1;
      end = start;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}
