import {
  createWriteStream,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  statSync,
  type WriteStream,
} from "node:fs";
import { join } from "node:path";
import { createGzip, type Gzip, constants as zc } from "node:zlib";
import type { MarketEvent } from "@mmkit/core";
import { encodeRecordedEvent, encodeRecordingHeader } from "./recording.js";

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
  /**
   * Gzip: push what the compressor holds to the file (`Z_SYNC_FLUSH`) at this interval, so a
   * process killed without `close()` loses at most about that long of events (wall-clock ms,
   * default 1000; 0: only when a file is opened, rotated out or closed).
   */
  flushMs?: number;
}

interface OpenFile {
  path: string;
  /** The descriptor the file stream writes to (checked against the path: still the same file?); null: opened by the stream. */
  fd: number | null;
  file: WriteStream;
  gz: Gzip | null;
  bytes: number;
  openedMs: number;
  /** Resolves on the stream's next "drain" while a write is waiting for it (one listener for all writers). */
  drain: Promise<void> | null;
  /** Resolves when the file stream has closed (after `end()`, or destroyed after an error). */
  closed: Promise<void>;
  /** The first error of this file's streams. */
  error: Error | null;
  /** Gzip: data written since the last flush. */
  dirty: boolean;
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
  private readonly flushMs: number;
  private flushTimer: NodeJS.Timeout | null = null;
  /** The first error of any file: the next `write()` and `close()` reject with it. */
  private error: Error | null = null;
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
    this.flushMs = o.flushMs ?? 1000;
    if (!(this.flushMs >= 0 && Number.isFinite(this.flushMs)))
      throw new Error(`Recorder: flushMs must be a finite number >= 0, got ${this.flushMs}`);
    this.prefix = o.prefix ?? o.source.replace(/[^A-Za-z0-9_.-]+/g, "_");
    mkdirSync(o.dir, { recursive: true });
  }

  /** Paths of every file opened so far (in order). */
  files(): string[] {
    return [...this.written];
  }

  /**
   * Create the next part without truncating a recording already there: a regular file holding the
   * name (a second process recording into the same directory, or a restart within the same second)
   * moves the part number on to a free one. Anything else at the name (a directory, a link to a
   * device) is opened as before, and its error is the file's. Throws `Recorder: <path>: <message>`
   * when the file cannot be made.
   */
  private create(t: number): { path: string; fd: number | null } {
    const ext = this.o.gzip === false ? "jsonl" : "jsonl.gz";
    for (;;) {
      const path = join(
        this.o.dir,
        `${this.prefix}-${stamp(t)}-${String(this.part).padStart(4, "0")}.${ext}`,
      );
      try {
        return { path, fd: openSync(path, "wx") };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EEXIST" && lstatSync(path).isFile()) {
          this.part++;
          continue;
        }
        if (code === "EEXIST") return { path, fd: null };
        const e = new Error(`Recorder: ${path}: ${(err as Error).message}`, { cause: err });
        this.error ??= e;
        throw e;
      }
    }
  }

  private open(): OpenFile {
    const t = this.now();
    const { path, fd } = this.create(t);
    const file = fd === null ? createWriteStream(path) : createWriteStream(path, { fd });
    const gz = this.o.gzip !== false ? createGzip() : null;
    const f: OpenFile = {
      path,
      fd,
      file,
      gz,
      bytes: 0,
      openedMs: t,
      drain: null,
      closed: new Promise((resolve) => file.once("close", () => resolve())),
      error: null,
      dirty: false,
    };
    // Listeners before anything can fail (open, ENOSPC…): an error must never go uncaught.
    file.on("error", (err) => this.fail(f, err));
    if (gz) {
      gz.on("error", (err) => this.fail(f, err));
      gz.pipe(file);
    }
    this.written.push(path);
    this.writeRaw(f, `${encodeRecordingHeader(this.o.source, t, this.part)}\n`);
    this.part++;
    if (gz) this.flush(f); // the header at once: a file killed before the first timer flush still opens
    if (this.flushTimer === null && this.flushMs > 0) {
      this.flushTimer = setInterval(() => {
        const cur = this.cur;
        if (cur === null) return;
        this.checkStillThere(cur);
        if (cur.dirty) this.flush(cur);
      }, this.flushMs);
      this.flushTimer.unref(); // never keeps the process alive
    }
    return f;
  }

  /**
   * A file deleted or replaced under the recorder (its directory removed, say) still takes writes on
   * its open descriptor: nothing would ever fail while every event went nowhere. Checked at each
   * flush tick: the path must still name the open file.
   */
  private checkStillThere(f: OpenFile): void {
    if (f.error !== null || f.fd === null) return;
    let open: ReturnType<typeof fstatSync>;
    try {
      open = fstatSync(f.fd);
    } catch {
      return; // closing meanwhile
    }
    let named: ReturnType<typeof statSync> | null = null;
    try {
      named = statSync(f.path);
    } catch {
      named = null;
    }
    if (open.nlink > 0 && named !== null && open.ino === named.ino && open.dev === named.dev) return;
    this.fail(
      f,
      new Error("the file was removed or replaced while recording (is its directory still there?)"),
    );
  }

  /** Keep the first error (worded with the file), stop the file's streams; "close" still follows. */
  private fail(f: OpenFile, err: Error): void {
    const e = new Error(`Recorder: ${f.path}: ${err.message}`, { cause: err });
    f.error ??= e;
    this.error ??= e;
    f.gz?.destroy();
    f.file.destroy();
  }

  /** Gzip: everything compressed so far goes to the file (a sync flush point, cheap and readable up to it). */
  private flush(f: OpenFile): void {
    if (f.gz === null || f.error !== null || f.gz.writableEnded) return;
    f.dirty = false;
    f.gz.flush(zc.Z_SYNC_FLUSH);
  }

  private writeRaw(f: OpenFile, text: string): boolean {
    f.bytes += Buffer.byteLength(text);
    if (f.gz === null) return f.file.write(text);
    f.dirty = true;
    return f.gz.write(text);
  }

  /** End a file (gzip: its final block and trailer) and wait until it is closed; rejects with its error. */
  private static async finish(f: OpenFile): Promise<void> {
    if (f.error === null) {
      if (f.gz) f.gz.end();
      else f.file.end();
    }
    await f.closed;
    if (f.error !== null) throw f.error;
  }

  /**
   * Append one event (rotating first when due); resolves once the stream accepts more data. The
   * event is queued synchronously, so calls that do not await each other still land in call order,
   * each exactly once (a rotated-out file finishes flushing in the background; `close()` waits).
   */
  async write(e: MarketEvent): Promise<void> {
    if (this.error) throw this.error;
    if (this.closing) throw new Error("Recorder: write after close");
    let f = this.cur;
    if (f && (f.bytes >= this.rotateBytes || this.now() - f.openedMs >= this.rotateMs)) {
      this.finishing.push(Recorder.settled(Recorder.finish(f)));
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
      // Released by "drain", or by the file closing (a rotated-out stream that is ending never
      // drains; a failed one is destroyed, which closes it).
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
      if (file.error) throw file.error;
    }
  }

  /**
   * Flush and close the current file and any rotated-out one still flushing (idempotent). Rejects
   * with the first error of any file (`Recorder: <path>: <message>`) once every file is closed.
   */
  close(): Promise<void> {
    if (!this.closing) {
      if (this.flushTimer !== null) clearInterval(this.flushTimer);
      const f = this.cur;
      this.cur = null;
      if (f) this.finishing.push(Recorder.settled(Recorder.finish(f)));
      this.closing = Promise.all(this.finishing).then((errors) => {
        const first = this.error ?? errors.find((x) => x !== null);
        if (first) throw first;
      });
    }
    return this.closing;
  }

  private static settled(p: Promise<void>): Promise<Error | null> {
    return p.then(
      () => null,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
  }
}
