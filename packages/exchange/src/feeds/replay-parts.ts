/** The files one replay reads: a file, or every part of a directory (a rotated recording) in name = time order. */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { FeedLogger } from "./types.js";

/** A file of a replay with the start of its (decompressed) content. */
export interface ReplayPart {
  path: string;
  head: string;
}

/**
 * The files of `path`: itself, or — for a directory — every regular, non-hidden file directly in it
 * (subdirectories such as a recording's `lead/` are not entered), sorted by name: the recorder
 * names parts `<prefix>-<UTC stamp>-<part>`, so name order is time order.
 */
export function replayPaths(path: string): { files: string[]; directory: boolean } {
  if (!statSync(path).isDirectory()) return { files: [path], directory: false };
  const files = readdirSync(path)
    .filter((f) => !f.startsWith("."))
    .sort()
    .map((f) => join(path, f))
    .filter(isRegularFile);
  if (files.length === 0) throw new Error(`openReplay: ${path}: the directory holds no files to replay`);
  return { files, directory: true };
}

/** A regular file (through a link); a dangling link or an entry gone meanwhile is not one. */
function isRegularFile(f: string): boolean {
  try {
    return statSync(f).isFile();
  } catch {
    return false;
  }
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
