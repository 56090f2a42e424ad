/** The files one replay reads: a file, or every part of a directory (a rotated recording) in name = time order. */
import { readdirSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";
import type { FeedLogger } from "./types.js";

/** A file of a replay with the start of its (decompressed) content. */
export interface ReplayPart {
  path: string;
  head: string;
}

/**
 * The files of `path`: itself, or — for a directory — every regular, non-hidden file directly in it
 * (subdirectories such as a recording's `lead/` and dangling links are not entered), sorted by name:
 * the recorder names parts `<prefix>-<UTC stamp>-<part>`, so name order is time order. The input,
 * and every entry of a directory, must be a regular file (through links): a FIFO, socket or device
 * throws naming it (see `notRegularFileError`) before anything opens it — opening a FIFO without a
 * writer blocks the process for good, signals included.
 */
export function replayPaths(path: string): { files: string[]; directory: boolean } {
  const st = statSync(path);
  if (!st.isDirectory()) {
    if (!st.isFile()) throw notRegularFileError(path, st);
    return { files: [path], directory: false };
  }
  const files = readdirSync(path)
    .filter((f) => !f.startsWith("."))
    .sort()
    .map((f) => join(path, f))
    .filter(isRegularFile);
  if (files.length === 0) throw new Error(`openReplay: ${path}: the directory holds no files to replay`);
  return { files, directory: true };
}

/** What a non-regular file is, in words ("a FIFO (named pipe)"). */
function fileKind(st: Stats): string {
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/**
 * The error for a replay input that is not a regular file. A replay reads the start of each file
 * twice (format detection, then the replay itself), which a pipe cannot give.
 */
export function notRegularFileError(path: string, st: Stats): Error {
  return new Error(
    `openReplay: ${path} is ${fileKind(st)}: a replay needs a regular file (it reads the start of its input twice, so a pipe or \`<(zcat …)\` cannot work: write the data to a file first; gzip files are read as they are)`,
  );
}

/** A regular file (through a link) to replay; a subdirectory, a dangling link or an entry gone meanwhile is skipped; a FIFO, socket or device throws. */
function isRegularFile(f: string): boolean {
  let st: Stats;
  try {
    st = statSync(f);
  } catch {
    return false;
  }
  if (st.isFile()) return true;
  if (st.isDirectory()) return false;
  throw notRegularFileError(f, st);
}

/**
 * The parts of a directory replay that hold something: a part with nothing to replay (empty, or
 * the cut start of a header: a recorder killed as it opened the part) is skipped with a warning;
 * when every part is like that, the first one's error is thrown. A single file is never skipped.
 */
export function nonEmptyParts(
  dir: string,
  parts: ReplayPart[],
  isEmpty: (head: string) => boolean,
  emptyError: (path: string) => Error,
  logger: FeedLogger,
): ReplayPart[] {
  const kept = parts.filter((p) => !isEmpty(p.head));
  if (kept.length === 0) throw emptyError(parts[0]!.path);
  const skipped = parts.filter((p) => isEmpty(p.head)).map((p) => p.path);
  if (skipped.length > 0)
    logger.warn(
      { dir, skipped },
      `replay: ${skipped.length} part(s) of ${dir} hold nothing to replay (empty or cut before the first record), skipped`,
    );
  return kept;
}
