import { readFileSync } from "node:fs";
import type { ClockSource, MarketEvent } from "@mmkit/core";
import { CaptureImporter } from "./capture-import.js";
import { gunzipSalvage, isGzip } from "./gzip-salvage.js";
import { LineSplitter, MAX_LINE_BYTES } from "./line-split.js";
import { LogThrottle } from "./log-throttle.js";
import { type PaceSpeed, pace } from "./pace.js";
import { decodeRecordedEvent, isRecordingHeader, recordingHeaderSchema } from "./recording.js";
import {
  detectReplayFormat,
  emptyOrCutHeader,
  firstNonEmptyLine,
  type ReplayFormat,
  readHeadText,
} from "./replay-format.js";
import { ReorderBuffer } from "./reorder.js";
import { reportFileEnd } from "./replay-file-end.js";
import { type InflateEnd, replayFileChunks } from "./replay-stream.js";
import { nonEmptyParts, type ReplayPart, replayPaths } from "./replay-parts.js";
import {
  bumpExtra,
  copyFeedStats,
  emptyFeedStats,
  type EventTimeFeed,
  type FeedLogger,
  type FeedStats,
  silentLogger,
} from "./types.js";

export { isGzip } from "./gzip-salvage.js";
export { detectReplayFormat, type ReplayFormat } from "./replay-format.js";

/** Options for `openReplay`. */
export interface ReplayOptions {
  /** Clock that orders and paces the replay (default `exchange`). */
  clock?: ClockSource;
  /** Reorder window in ms of the chosen clock (default 200 for `exchange`, 0 for `local`). */
  reorderWindowMs?: number;
  /** Pacing of the async iterator (default `max`); `events()` is never paced. */
  speed?: PaceSpeed;
  /** Logger for bad lines (default silent). */
  logger?: FeedLogger;
  /** How many bad lines to keep with their `file:line` (default 100; all are counted). */
  maxBadLinesKept?: number;
  /**
   * Captures: the instrument to replay (Hyperliquid coin or Binance symbol, case-insensitive);
   * default the first one in the file. Other instruments' frames are skipped and counted.
   */
  instrument?: string;
}

/** A line that could not be used, with its location. */
export interface BadLine {
  /** `path:lineNumber` (1-based). */
  where: string;
  error: string;
}

/**
 * Replay of a recording or a raw capture file. Iterate with `events()` (sync, max speed, whole
 * file decompressed in memory) or `for await` (streamed line by line, paced by `speed`).
 */
export class ReplayFeed implements EventTimeFeed {
  /** Feed name `replay:<path>`. */
  readonly name: string;
  /** Detected file format. */
  readonly format: ReplayFormat;
  /** Bad lines kept (first `maxBadLinesKept`). */
  readonly badLines: BadLine[] = [];
  /** `file:line` of the bad lines already logged by an earlier pass (a re-read logs only new ones). */
  private readonly loggedBad = new Set<string>();
  private counters: FeedStats = emptyFeedStats();
  private readonly clock: ClockSource;
  private readonly windowMs: number;
  private readonly logger: FeedLogger;
  private readonly maxBad: number;
  private closed = false;
  private importer: CaptureImporter | null = null;

  /** The files replayed, in order: `path` itself, or the parts of the directory `path`. */
  readonly files: readonly string[];

  constructor(
    readonly path: string,
    private readonly opts: ReplayOptions = {},
  ) {
    this.clock = opts.clock ?? "exchange";
    if (this.clock !== "exchange" && this.clock !== "local") {
      throw new Error(`openReplay: clock must be "exchange" or "local", got ${String(this.clock)}`);
    }
    this.windowMs = opts.reorderWindowMs ?? (this.clock === "exchange" ? 200 : 0);
    this.logger = opts.logger ?? silentLogger;
    this.maxBad = opts.maxBadLinesKept ?? 100;
    const { files, directory } = replayPaths(path);
    const empty = (p: string): Error =>
      new Error(
        `openReplay: ${p}: empty or truncated before the first record (e.g. its recorder was killed before writing one)`,
      );
    let parts: ReplayPart[] = files.map((f) => ({ path: f, head: readHeadText(f) }));
    if (directory) parts = nonEmptyParts(path, parts, emptyOrCutHeader, empty, this.logger);
    else if (emptyOrCutHeader(parts[0]!.head)) throw empty(path);
    const detect = (p: ReplayPart): { format: ReplayFormat; source: string | null } => {
      const first = firstNonEmptyLine(p.head);
      let format: ReplayFormat;
      try {
        format = detectReplayFormat(first);
      } catch (err) {
        if (!directory) throw err;
        throw new Error(`openReplay: ${p.path}: ${(err as Error).message}`);
      }
      const source =
        format === "recording" ? recordingHeaderSchema.parse(JSON.parse(first.trim())).source : null;
      return { format, source };
    };
    const head = detect(parts[0]!);
    // One replay is one market: every part must be of the first one's format and (recordings) source.
    for (const p of parts.slice(1)) {
      const d = detect(p);
      if (d.format !== head.format || d.source !== head.source)
        throw new Error(
          `openReplay: ${path}: ${p.path} is a ${d.format}${d.source !== null ? ` of ${d.source}` : ""}, ${parts[0]!.path} a ${head.format}${head.source !== null ? ` of ${head.source}` : ""}: a directory replays the parts of one recording (same format and source)`,
        );
    }
    this.format = head.format;
    this.recordingSource = head.source;
    this.files = parts.map((p) => p.path);
    this.name = `replay:${path}`;
  }

  /** Recordings: the `source` of the header (the feed that wrote it, e.g. `hyperliquid:BTC`); null for captures. */
  readonly recordingSource: string | null;

  /** Counters of the most recent (or running) pass. */
  stats(): FeedStats {
    return copyFeedStats(this.counters);
  }

  /** Captures: frames seen per instrument in the most recent (or running) pass, in first-seen order. */
  instrumentsSeen(): ReadonlyMap<string, number> {
    return new Map(this.importer?.instrumentsSeen ?? []);
  }

  /** Binance captures: `"usdm"` (futures) or `"spot"`, from the frames read so far (null: not known, or not Binance). */
  binanceMarket(): "usdm" | "spot" | null {
    return this.importer?.binanceMarket ?? null;
  }

  /** Captures: the instrument replayed (upper case; null before the first instrument-tagged frame). */
  instrument(): string | null {
    return this.importer?.instrument ?? null;
  }

  /** Stop an in-progress async iteration. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private makeProcessor(): {
    /** The next file begins (line numbers and cut/corrupt checks are per file). */
    file: (path: string) => void;
    /** One line: its text, or its byte count when over `MAX_LINE_BYTES` (skipped unread). */
    line: (text: string | number, lineNo: number, out: MarketEvent[]) => void;
    /**
     * End of a file: `corrupt` when it ended at a gzip data error rather than at its end; `cut` when
     * its gzip stream ended without the trailer (cut short); `last`: of the input.
     */
    fileEnd: (
      endsWithNewline: boolean,
      corrupt: NodeJS.ErrnoException | null,
      cut: boolean,
      last: boolean,
    ) => void;
    /** End of the input: what the importer and the reorder window still hold. */
    end: (out: MarketEvent[]) => void;
  } {
    this.counters = emptyFeedStats();
    this.badLines.length = 0;
    const stats = this.counters;
    // On the local clock events keep their receive order: a sweep is not regrouped across book frames.
    const importer = new CaptureImporter(stats, {
      ...(this.opts.instrument !== undefined ? { instrument: this.opts.instrument } : {}),
      sweepAcrossFrames: this.clock === "exchange",
    });
    this.importer = importer;
    // One reorder window and one importer across the parts: a rotated recording replays as one file.
    const reorder = new ReorderBuffer(this.clock, this.windowMs);
    const scratch: MarketEvent[] = [];
    let path = this.path;
    let lastBadLine = -1;
    let firstBadLine = -1;
    let lastLine = 0;
    let lastBadWhere = `${path}:-1`;
    // Counted and kept one by one, logged at most every 30 s (a garbled file has thousands).
    const badLog = new LogThrottle(this.logger);
    // A second pass over the same file (e.g. after a first look at its start) counts its bad
    // lines again but does not log the ones already logged (bounded: the first maxBad).
    const firstLogAt = (where: string): boolean => {
      if (this.loggedBad.has(where)) return false;
      if (this.loggedBad.size < this.maxBad) this.loggedBad.add(where);
      return true;
    };
    const bad = (lineNo: number, error: string, always = false): void => {
      lastBadLine = lineNo;
      if (firstBadLine < 0) firstBadLine = lineNo;
      stats.invalidMessages++;
      const where = `${path}:${lineNo}`;
      lastBadWhere = where;
      if (this.badLines.length < this.maxBad) this.badLines.push({ where, error });
      if (!firstLogAt(where)) return;
      if (always) this.logger.warn({ where, error }, `replay: ${where}: ${error}`);
      else badLog.warn({ where, error }, "replay: bad line skipped");
    };
    const emit = (out: MarketEvent[]): void => {
      for (const e of scratch) {
        stats.events[e.type]++;
        out.push(e);
      }
      scratch.length = 0;
    };
    return {
      file: (p) => {
        path = p;
        lastBadLine = -1;
        firstBadLine = -1;
        lastLine = 0;
      },
      line: (text, lineNo, out) => {
        lastLine = lineNo;
        if (typeof text === "number") {
          stats.messages++;
          bumpExtra(stats, "oversizeLines");
          const size = `${text} bytes (${(text / 2 ** 20).toFixed(1)} MiB)`;
          return bad(
            lineNo,
            `line of ${size} over the ${MAX_LINE_BYTES / 2 ** 20} MiB limit: skipped unread`,
            true,
          );
        }
        if (text.length === 0 || text.trim() === "") return;
        stats.messages++;
        if (this.format === "recording") {
          if (isRecordingHeader(text)) return; // the header, or that of a concatenated rotated part
          const r = decodeRecordedEvent(text);
          if (!r.ok) return bad(lineNo, r.error);
          reorder.push(r.event, scratch);
        } else {
          const r = importer.importLine(text);
          if (!r.ok) return bad(lineNo, r.error);
          if (r.badPrints !== undefined && firstLogAt(`${path}:${lineNo}`)) {
            badLog.warn(
              { where: `${path}:${lineNo}`, error: r.badPrints.error, dropped: r.badPrints.count },
              "replay: bad print(s) dropped, the line's other prints replayed",
            );
          }
          for (const e of r.events) reorder.push(e, scratch);
        }
        emit(out);
      },
      fileEnd: (endsWithNewline, corrupt, cut, last) =>
        reportFileEnd(
          { stats, logger: this.logger, path, lastLine, firstBadLine, lastBadLine },
          { endsWithNewline, corrupt, cut, last },
        ),
      end: (out) => {
        badLog.flush(
          "replay: bad lines skipped (all counted in invalidMessages, the first kept in badLines)",
          { where: lastBadWhere },
        );
        for (const e of importer.finish()) reorder.push(e, scratch);
        reorder.flush(scratch);
        emit(out);
        if (reorder.late > 0) stats.extra["lateEvents"] = reorder.late;
      },
    };
  }

  /** All events synchronously in the chosen clock's order (bounded-lateness reordering); one file in memory at a time. */
  *events(): Generator<MarketEvent> {
    const proc = this.makeProcessor();
    const out: MarketEvent[] = [];
    for (const [i, path] of this.files.entries()) {
      const raw = readFileSync(path);
      // Sync flush: a gzip cut short (recorder killed) yields what it holds instead of throwing;
      // corrupt data ends the file like a cut, after what inflates before it.
      const { data, corrupt, cut } = isGzip(raw)
        ? gunzipSalvage(path, raw)
        : { data: raw, corrupt: null, cut: false };
      proc.file(path);
      // Line by line from the bytes: never one string of the whole file (or of a giant line).
      const lines = new LineSplitter();
      lines.feed(data);
      const take = (): string | number | null => lines.next() ?? lines.finish();
      let lineNo = 0;
      for (let line = take(); line !== null; line = take()) {
        proc.line(line, ++lineNo, out);
        if (out.length > 0) {
          for (const e of out) yield e;
          out.length = 0;
        }
      }
      const endsWithNewline = data.length === 0 || data[data.length - 1] === 10;
      proc.fileEnd(endsWithNewline, corrupt, cut, i === this.files.length - 1);
    }
    proc.end(out);
    for (const e of out) yield e;
  }

  private async *streamed(): AsyncGenerator<MarketEvent> {
    const proc = this.makeProcessor();
    const out: MarketEvent[] = [];
    for (const [i, path] of this.files.entries()) {
      if (this.closed) return;
      proc.file(path);
      const r = yield* this.streamFile(path, proc.line, out);
      if (this.closed) return;
      proc.fileEnd(r.endsWithNewline, r.corrupt, r.cut, i === this.files.length - 1);
    }
    proc.end(out);
    for (const e of out) yield e;
  }

  /** One file's lines through `line`, streamed (gzip inflated on the fly); stops early once closed. */
  private async *streamFile(
    path: string,
    line: (text: string | number, lineNo: number, out: MarketEvent[]) => void,
    out: MarketEvent[],
  ): AsyncGenerator<MarketEvent, InflateEnd & { endsWithNewline: boolean }> {
    const { chunks, inflate, close } = await replayFileChunks(path);
    // Split from the bytes (not readline): a line over MAX_LINE_BYTES is counted, never built.
    const lines = new LineSplitter();
    let lastByte = 10;
    let lineNo = 0;
    try {
      reading: for await (const chunk of chunks) {
        if (chunk.length === 0) continue;
        lastByte = chunk[chunk.length - 1]!;
        lines.feed(chunk);
        for (let l = lines.next(); l !== null; l = lines.next()) {
          if (this.closed) break reading;
          line(l, ++lineNo, out);
          if (out.length > 0) {
            for (const e of out) yield e;
            out.length = 0;
          }
        }
      }
      const last = this.closed ? null : lines.finish();
      if (last !== null) {
        line(last, ++lineNo, out);
        for (const e of out) yield e;
        out.length = 0;
      }
    } finally {
      close();
    }
    return { endsWithNewline: lastByte === 10, corrupt: inflate.corrupt, cut: inflate.cut };
  }

  [Symbol.asyncIterator](): AsyncIterator<MarketEvent> {
    this.closed = false;
    return pace(this.streamed(), this.opts.speed ?? "max", { clock: this.clock })[Symbol.asyncIterator]();
  }
}

/**
 * Open a recording or raw capture for replay; the format is detected from the content. A directory
 * replays every file in it (e.g. a recorder's rotated parts) in name order as one input: one
 * reorder window across the parts, the same events as the parts concatenated into one file.
 */
export function openReplay(path: string, opts?: ReplayOptions): ReplayFeed {
  return new ReplayFeed(path, opts);
}
