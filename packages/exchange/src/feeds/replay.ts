import { closeSync, createReadStream, openSync, readFileSync, readSync } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ClockSource, MarketEvent } from "@mmkit/core";
import { CaptureImporter, splitCaptureLine } from "./capture-import.js";
import { gunzipSalvage, inflateStreamed, isGzip, STREAM_CHUNK_BYTES } from "./gzip-salvage.js";
import { LogThrottle } from "./log-throttle.js";
import { type PaceSpeed, pace } from "./pace.js";
import { decodeRecordedEvent, isRecordingHeader, recordingHeaderSchema } from "./recording.js";
import { ReorderBuffer } from "./reorder.js";
import {
  copyFeedStats,
  emptyFeedStats,
  type EventTimeFeed,
  type FeedLogger,
  type FeedStats,
  silentLogger,
} from "./types.js";

export { isGzip } from "./gzip-salvage.js";

/** File formats `openReplay` recognizes from content. */
export type ReplayFormat = "recording" | "binance-capture" | "hyperliquid-capture";

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

/** Detect the format from the first non-empty line of the (decompressed) content. */
export function detectReplayFormat(firstLine: string): ReplayFormat {
  const line = firstLine.trim();
  if (isRecordingHeader(line)) return "recording";
  const parts = splitCaptureLine(line);
  if (parts) {
    if (/^\{\s*"channel"/.test(parts.json)) return "hyperliquid-capture";
    if (/^\{\s*"(stream|e)"/.test(parts.json)) return "binance-capture";
  }
  throw new Error(
    `unrecognized replay format: first line starts with ${JSON.stringify(line.slice(0, 60))} ` +
      "(expected an mmkit recording header or `<local ns> <json>` Binance/Hyperliquid capture)",
  );
}

/** The start of the (decompressed) content, for format detection; errors name the file. */
function readHeadText(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n);
    if (!isGzip(head)) return head.toString("utf8");
    const r = gunzipSalvage(path, head);
    const text = r.data.toString("utf8");
    if (r.corrupt !== null && !text.includes("\n"))
      throw new Error(`openReplay: ${path}: corrupt gzip data before the first record (${r.corrupt.code})`, {
        cause: r.corrupt,
      });
    return text;
  } finally {
    closeSync(fd);
  }
}

/** Nothing to replay: no line, or only the cut start of a recording header (a recorder killed at once). */
function emptyOrCutHeader(head: string): boolean {
  const t = head.trim();
  if (t === "") return true;
  if (t.includes("\n")) return false;
  const header = '{"schema":"mmkit.marketdata"';
  return (header.startsWith(t) || t.startsWith(header)) && !isRecordingHeader(t);
}

function firstNonEmptyLine(text: string): string {
  for (const l of text.split("\n")) if (l.trim() !== "") return l;
  return "";
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
  private counters: FeedStats = emptyFeedStats();
  private readonly clock: ClockSource;
  private readonly windowMs: number;
  private readonly logger: FeedLogger;
  private readonly maxBad: number;
  private closed = false;
  private importer: CaptureImporter | null = null;

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
    const head = readHeadText(path);
    const first = firstNonEmptyLine(head);
    if (emptyOrCutHeader(head))
      throw new Error(
        `openReplay: ${path}: empty or truncated before the first record (e.g. its recorder was killed before writing one)`,
      );
    this.format = detectReplayFormat(first);
    this.recordingSource =
      this.format === "recording" ? recordingHeaderSchema.parse(JSON.parse(first.trim())).source : null;
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

  /** Captures: the instrument replayed (upper case; null before the first instrument-tagged frame). */
  instrument(): string | null {
    return this.importer?.instrument ?? null;
  }

  /** Stop an in-progress async iteration. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private makeProcessor(): {
    line: (text: string, lineNo: number, out: MarketEvent[]) => void;
    /** End of the input: `corrupt` when it ended at a gzip data error rather than at its end. */
    end: (out: MarketEvent[], endsWithNewline: boolean, corrupt: NodeJS.ErrnoException | null) => void;
  } {
    this.counters = emptyFeedStats();
    this.badLines.length = 0;
    const stats = this.counters;
    const importer = new CaptureImporter(
      stats,
      this.opts.instrument !== undefined ? { instrument: this.opts.instrument } : {},
    );
    this.importer = importer;
    const reorder = new ReorderBuffer(this.clock, this.windowMs);
    const scratch: MarketEvent[] = [];
    let sawHeader = false;
    let lastBadLine = -1;
    let lastLine = 0;
    // Counted and kept one by one, logged at most every 30 s (a garbled file has thousands).
    const badLog = new LogThrottle(this.logger);
    const bad = (lineNo: number, error: string): void => {
      lastBadLine = lineNo;
      stats.invalidMessages++;
      const where = `${this.path}:${lineNo}`;
      if (this.badLines.length < this.maxBad) this.badLines.push({ where, error });
      badLog.warn({ where, error }, "replay: bad line skipped");
    };
    const emit = (out: MarketEvent[]): void => {
      for (const e of scratch) {
        stats.events[e.type]++;
        out.push(e);
      }
      scratch.length = 0;
    };
    return {
      line: (text, lineNo, out) => {
        lastLine = lineNo;
        if (text.length === 0 || text.trim() === "") return;
        stats.messages++;
        if (this.format === "recording") {
          if (!sawHeader && isRecordingHeader(text)) {
            sawHeader = true;
            return;
          }
          if (isRecordingHeader(text)) return; // header of a concatenated rotated part
          const r = decodeRecordedEvent(text);
          if (!r.ok) return bad(lineNo, r.error);
          reorder.push(r.event, scratch);
        } else {
          const r = importer.importLine(text);
          if (!r.ok) return bad(lineNo, r.error);
          for (const e of r.events) reorder.push(e, scratch);
        }
        emit(out);
      },
      end: (out, endsWithNewline, corrupt) => {
        const lastBad = { where: `${this.path}:${lastBadLine}` };
        badLog.flush(
          "replay: bad lines skipped (all counted in invalidMessages, the first kept in badLines)",
          lastBad,
        );
        if (corrupt !== null) {
          // Like a cut file: the lines before the error were replayed (a cut last line was a bad line).
          const complete = endsWithNewline ? lastLine : lastLine - 1;
          stats.extra["corruptGzipData"] = 1;
          stats.extra["corruptGzipAfterLine"] = complete;
          this.logger.warn(
            { where: `${this.path}:${complete}`, code: corrupt.code, error: corrupt.message },
            `replay: ${this.path}: corrupt gzip data after line ${complete} (${corrupt.code}); the events before it were replayed, the rest of the file is unreadable`,
          );
        } else if (!endsWithNewline && lastBadLine === lastLine && lastLine > 0) {
          // A recorder or capture writes whole lines: an unterminated bad last line is a cut file.
          stats.extra["truncatedLastLine"] = 1;
          this.logger.warn(
            { where: `${this.path}:${lastLine}` },
            "replay: the input ends mid-line (file truncated, e.g. its recorder was stopped mid-write); the events before the cut were replayed",
          );
        }
        for (const e of importer.finish()) reorder.push(e, scratch);
        reorder.flush(scratch);
        emit(out);
        if (reorder.late > 0) stats.extra["lateEvents"] = reorder.late;
      },
    };
  }

  /** All events synchronously in the chosen clock's order (bounded-lateness reordering). */
  *events(): Generator<MarketEvent> {
    const raw = readFileSync(this.path);
    // Sync flush: a gzip cut short (recorder killed) yields what it holds instead of throwing;
    // corrupt data ends the input like a cut, after what inflates before it.
    const { data, corrupt } = isGzip(raw) ? gunzipSalvage(this.path, raw) : { data: raw, corrupt: null };
    const text = data.toString("utf8");
    const proc = this.makeProcessor();
    const out: MarketEvent[] = [];
    let start = 0;
    let lineNo = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      lineNo++;
      const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      proc.line(line, lineNo, out);
      start = end + 1;
      if (out.length > 0) {
        for (const e of out) yield e;
        out.length = 0;
      }
    }
    proc.end(out, text.length === 0 || text.endsWith("\n"), corrupt);
    for (const e of out) yield e;
  }

  private async *streamed(): AsyncGenerator<MarketEvent> {
    const input = createReadStream(this.path, { highWaterMark: STREAM_CHUNK_BYTES });
    const head = await new Promise<Buffer>((resolve, reject) => {
      input.once("readable", () => {
        const chunk = input.read(2) as Buffer | null;
        if (chunk) input.unshift(chunk);
        resolve(chunk ?? Buffer.alloc(0));
      });
      input.once("error", reject);
    });
    const inflate = { corrupt: null as NodeJS.ErrnoException | null };
    const text = isGzip(head)
      ? Readable.from(inflateStreamed(this.path, input, inflate), { objectMode: false })
      : input;
    let lastByte = 10;
    text.on("data", (chunk: Buffer) => {
      if (chunk.length > 0) lastByte = chunk[chunk.length - 1]!;
    });
    const rl = createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY });
    const proc = this.makeProcessor();
    const out: MarketEvent[] = [];
    let lineNo = 0;
    try {
      for await (const line of rl) {
        if (this.closed) break;
        lineNo++;
        proc.line(line, lineNo, out);
        if (out.length > 0) {
          for (const e of out) yield e;
          out.length = 0;
        }
      }
      if (!this.closed) {
        proc.end(out, lastByte === 10, inflate.corrupt);
        for (const e of out) yield e;
      }
    } finally {
      rl.close();
      text.destroy();
      input.destroy();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<MarketEvent> {
    this.closed = false;
    return pace(this.streamed(), this.opts.speed ?? "max", { clock: this.clock })[Symbol.asyncIterator]();
  }
}

/** Open a recording or raw capture for replay; the format is detected from the content. */
export function openReplay(path: string, opts?: ReplayOptions): ReplayFeed {
  return new ReplayFeed(path, opts);
}
