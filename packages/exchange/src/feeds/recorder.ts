import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { createGzip, type Gzip } from "node:zlib";
import type { MarketEvent } from "@mmkit/core";
import { encodeRecordedEvent, encodeRecordingHeader } from "./recording.js";
import type { FeedStats, MarketDataFeed } from "./types.js";

/** Options of `Recorder`. */
export interface RecorderOptions {
  /** Output directory (created if missing). */
  dir: string;
  /** Source tag written in the header and on each line (e.g. the feed name). */
  source: string;
  /** File name prefix (default: `source` with unsafe characters replaced). */
  prefix?: string;
  /** Gzip the files (default true). */
  gzip?: boolean;
  /** Rotate after this many uncompressed bytes (default 256 MiB). */
  rotateBytes?: number;
  /** Rotate after this long (ms of the recorder's clock, default 1 h). */
  rotateMs?: number;
  /** Clock for rotation and file names (default `Date.now`). */
  nowMs?: () => number;
}

interface OpenFile {
  path: string;
  file: WriteStream;
  gz: Gzip | null;
  bytes: number;
  openedMs: number;
  /** Resolves on the stream's next "drain" while a write is waiting for it (one listener for all writers). */
  drain: Promise<void> | null;
}

function stamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/**
 * Writes market events to the recording format (JSONL, optionally gzip; a header line with the
 * schema version, then one event per line) with rotation by size and time; `close()` flushes.
 * Files round-trip through `openReplay`.
 */
export class Recorder {
  private cur: OpenFile | null = null;
  private part = 0;
  private readonly written: string[] = [];
  private readonly now: () => number;
  private readonly rotateBytes: number;
  private readonly rotateMs: number;
  private readonly prefix: string;
  private closing: Promise<void> | null = null;
  /** Rotated-out files still flushing; `close()` waits for them and reports their first error. */
  private readonly finishing: Promise<Error | null>[] = [];
  /** Events written. */
  eventsWritten = 0;

  constructor(private readonly o: RecorderOptions) {
    const str = (name: string, v: unknown): void => {
      if (typeof v !== "string" || v === "")
        throw new Error(
          `Recorder: ${name} must be a non-empty string, got ${typeof v === "string" ? '""' : String(v)}`,
        );
    };
    if (o === null || typeof o !== "object")
      throw new Error(`Recorder: options {dir, source} are required, got ${o}`);
    str("dir", o.dir);
    str("source", o.source);
    if (o.prefix !== undefined) str("prefix", o.prefix);
    this.now = o.nowMs ?? Date.now;
    this.rotateBytes = o.rotateBytes ?? 256 * 1024 * 1024;
    this.rotateMs = o.rotateMs ?? 3_600_000;
    if (!(this.rotateBytes > 0))
      throw new Error(`Recorder: rotateBytes must be > 0, got ${this.rotateBytes}`);
    if (!(this.rotateMs > 0)) throw new Error(`Recorder: rotateMs must be > 0, got ${this.rotateMs}`);
    this.prefix = o.prefix ?? o.source.replace(/[^A-Za-z0-9_.-]+/g, "_");
    mkdirSync(o.dir, { recursive: true });
  }

  /** Paths of every file opened so far (in order). */
  files(): string[] {
    return [...this.written];
  }

  private open(): OpenFile {
    const t = this.now();
    const ext = this.o.gzip === false ? "jsonl" : "jsonl.gz";
    const path = join(this.o.dir, `${this.prefix}-${stamp(t)}-${String(this.part).padStart(4, "0")}.${ext}`);
    const file = createWriteStream(path);
    let gz: Gzip | null = null;
    if (this.o.gzip !== false) {
      gz = createGzip();
      gz.pipe(file);
    }
    const f: OpenFile = { path, file, gz, bytes: 0, openedMs: t, drain: null };
    this.written.push(path);
    this.writeRaw(f, `${encodeRecordingHeader(this.o.source, t, this.part)}\n`);
    this.part++;
    return f;
  }

  private writeRaw(f: OpenFile, text: string): boolean {
    f.bytes += Buffer.byteLength(text);
    return f.gz ? f.gz.write(text) : f.file.write(text);
  }

  private static finish(f: OpenFile): Promise<void> {
    return new Promise((resolve, reject) => {
      f.file.once("close", () => resolve());
      f.file.once("error", reject);
      if (f.gz) f.gz.end();
      else f.file.end();
    });
  }

  /**
   * Append one event (rotating first when due); resolves once the stream accepts more data. The
   * event is queued synchronously, so calls that do not await each other still land in call order,
   * each exactly once (a rotated-out file finishes flushing in the background; `close()` waits).
   */
  async write(e: MarketEvent): Promise<void> {
    if (this.closing) throw new Error("Recorder: write after close");
    let f = this.cur;
    if (f && (f.bytes >= this.rotateBytes || this.now() - f.openedMs >= this.rotateMs)) {
      this.finishing.push(
        Recorder.finish(f).then(
          () => null,
          (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
        ),
      );
      f = null;
    }
    if (!f) {
      f = this.open();
      this.cur = f;
    }
    this.eventsWritten++;
    if (!this.writeRaw(f, `${encodeRecordedEvent(e, this.o.source)}\n`)) {
      const file = f;
      const s = file.gz ?? file.file;
      // Released by "drain", or by the file closing (a rotated-out stream that is ending never drains).
      file.drain ??= new Promise<void>((resolve) => {
        const done = (): void => {
          s.off("drain", done);
          file.file.off("close", done);
          file.drain = null;
          resolve();
        };
        s.once("drain", done);
        file.file.once("close", done);
      });
      await file.drain;
    }
  }

  /** Flush and close the current file and any rotated-out one still flushing (idempotent). */
  close(): Promise<void> {
    if (!this.closing) {
      const f = this.cur;
      this.cur = null;
      const current = f ? Recorder.finish(f) : Promise.resolve();
      this.closing = Promise.all(this.finishing).then(async (errors) => {
        await current;
        const first = errors.find((x) => x !== null);
        if (first) throw first;
      });
    }
    return this.closing;
  }
}

/**
 * Tee a feed into a recorder: iterating the returned feed yields the source's events unchanged
 * and writes each to the recorder; closing it closes the source and flushes the recorder.
 */
export function recordFeed(feed: MarketDataFeed, recorder: Recorder): MarketDataFeed {
  return {
    name: `${feed.name}+recorder`,
    stats: (): FeedStats => feed.stats(),
    close: async (): Promise<void> => {
      await feed.close();
      await recorder.close();
    },
    [Symbol.asyncIterator]: async function* (): AsyncGenerator<MarketEvent> {
      try {
        for await (const e of feed) {
          await recorder.write(e);
          yield e;
        }
      } finally {
        await recorder.close();
      }
    },
  };
}
