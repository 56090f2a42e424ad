/** How a replayed file ended, when not at a clean end: corrupt gzip data, a cut gzip, a cut last line. */
import { bumpExtra, type FeedLogger, type FeedStats } from "./types.js";

/** Where the replay of one file stood when it ended. */
export interface ReplayFileState {
  stats: FeedStats;
  logger: FeedLogger;
  path: string;
  /** Number of the file's last line read (0: none). */
  lastLine: number;
  /** First and last bad line of the file (−1: none). */
  firstBadLine: number;
  lastBadLine: number;
}

/** How the file ended (see the replay processor's `fileEnd`). */
export interface ReplayFileEnd {
  endsWithNewline: boolean;
  /** The gzip data error it ended at, if any. */
  corrupt: NodeJS.ErrnoException | null;
  /** Its gzip stream ended without the trailer. */
  cut: boolean;
  /** The last file of the input. */
  last: boolean;
}

/** Count and log a file that ended damaged (corrupt or cut); nothing for a clean end. */
export function reportFileEnd(f: ReplayFileState, end: ReplayFileEnd): void {
  const { stats, logger, path, lastLine, firstBadLine, lastBadLine } = f;
  const { endsWithNewline, corrupt, cut, last } = end;
  // An earlier part of a directory ending so (a recorder killed, then restarted into the same
  // directory) is counted apart: the replay goes on with the next part.
  const then = last ? "" : "; the replay goes on with the next part";
  if (corrupt !== null) {
    // Like a cut file: the lines before the error were replayed (a cut last line was a bad line).
    const complete = endsWithNewline ? lastLine : lastLine - 1;
    // The trailer's checksums find damage only at the end of the compressed data: it lies
    // somewhere before, and what inflated before the check may be garbled.
    const byChecksum = /incorrect (data|length) check/.test(corrupt.message);
    if (last) {
      stats.extra["corruptGzipData"] = 1;
      stats.extra["corruptGzipAfterLine"] = complete;
      if (byChecksum) stats.extra["corruptGzipFoundByChecksum"] = 1;
      if (firstBadLine > 0) stats.extra["corruptGzipFirstBadLine"] = firstBadLine;
    } else bumpExtra(stats, "corruptGzipParts");
    const firstBad = firstBadLine > 0 ? ` (the first bad line is ${firstBadLine})` : "";
    logger.warn(
      { where: `${path}:${complete}`, code: corrupt.code, error: corrupt.message },
      byChecksum
        ? `replay: ${path}: corrupt gzip data, found by the checksum after line ${complete} (${corrupt.message}): the damage lies somewhere before it${firstBad}, so events replayed before it may include garbled lines that happened to parse; the rest of the file is unreadable${then}`
        : `replay: ${path}: corrupt gzip data after line ${complete} (${corrupt.code}); the events before it were replayed, the rest of the file is unreadable${then}`,
    );
  } else {
    // A recorder or capture writes whole lines: an unterminated bad last line is a cut file.
    const midLine = !endsWithNewline && lastBadLine === lastLine && lastLine > 0;
    // A gzip killed right after a flush ends on a whole line, but without its trailer.
    if (!midLine && !cut) return;
    if (!last) bumpExtra(stats, "truncatedParts");
    else if (midLine) stats.extra["truncatedLastLine"] = 1;
    else stats.extra["truncatedGzip"] = 1;
    logger.warn(
      { where: `${path}:${lastLine}` },
      midLine
        ? `replay: ${last ? "the input" : path} ends mid-line (file truncated, e.g. its recorder was stopped mid-write); the events before the cut were replayed${then}`
        : `replay: ${last ? "the input" : path} ends without its gzip trailer after line ${lastLine} (file truncated, e.g. its recorder was killed); the events before the cut were replayed${then}`,
    );
  }
}
