/**
 * The JSONL stream files behind a checkpoint: their sizes and rotated parts when it is written, and
 * putting them back as they were at it when a run resumes (so no record is written twice).
 */
import {
  closeSync,
  existsSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
} from "node:fs";
import { join } from "node:path";
import { jsonlParts, STREAM_FILES, type StreamName } from "@mmkit/analytics";

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
 * Put each stream back as it was at the checkpoint, so the records written after it are replayed
 * exactly once: when the stream rotated after the checkpoint, the part that was current then is
 * renamed back (newer parts and the newer current file are removed); then the current file is
 * truncated to its checkpointed size. `parts` is absent in checkpoints written before rotation was
 * tracked (only truncation then).
 */
export function truncateStreams(
  dir: string,
  sizes: Record<string, number>,
  parts?: Record<string, number>,
): ResumeNote[] {
  const notes: ResumeNote[] = [];
  for (const [name, file] of Object.entries(STREAM_FILES) as [StreamName, string][]) {
    const path = join(dir, file);
    const keepParts = parts?.[name];
    if (keepParts !== undefined) {
      const rotated = rotatedParts(path);
      if (rotated.length > keepParts) {
        // rotated[keepParts] was the current file at the checkpoint; everything after it is newer.
        for (const newer of rotated.slice(keepParts + 1)) rmSync(newer);
        if (existsSync(path)) rmSync(path);
        renameSync(rotated[keepParts]!, path);
        notes.push(info(`${file}: ${rotated.length - keepParts} rotation(s) after the checkpoint undone`));
      }
    }
    const want = sizes[name] ?? 0;
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
      truncateSync(path, want);
      notes.push(info(`${file}: ${have - want} bytes after the checkpoint removed (they will be rewritten)`));
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
