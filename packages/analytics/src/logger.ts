/**
 * AnalyticsLogger: one append-only JSONL file per stream in a run directory.
 *
 * - Every record is validated against its stream schema on write; an invalid record (a field the
 *   schema does not know included) is counted and NOT written. `write` never throws.
 * - Records are buffered per stream and flushed every `flushIntervalMs`, when a buffer passes
 *   `maxBufferBytes`, on `close()`, and at process exit for a logger never closed (a sync `exit`
 *   listener: an uncaught exception still runs it, a SIGKILL does not). A crash mid-write leaves a
 *   torn last line the readers report and skip; appending to such a file ends that line first.
 * - Size-based rotation: before a flush would push `name.jsonl` past `rotateBytes`, it is renamed
 *   to `name.N.jsonl` (N = 1 + the highest existing part, so 1 is the oldest) and a fresh
 *   `name.jsonl` is started. Readers read parts 1, 2, …, then `name.jsonl`.
 * - I/O errors (disk full, permissions, missing directory) are caught and counted; a partly
 *   written buffer is cut back off the file, the records stay in memory (up to `retainBytes`,
 *   beyond that dropped and counted) and are retried at most once a second, and `onWriteTrouble`
 *   says when a stream starts failing and when it recovers.
 */
import { closeSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { type FastCheck, fastCheckFor } from "./fast-validate.js";
import { appendToStreamFile } from "./stream-append.js";
import { firstStrippedKey } from "./stripped-key.js";
import {
  RUN_MANIFEST_FILE,
  type RunManifest,
  runManifestSchema,
  SCHEMA_VERSION,
  STREAM_FILES,
  STREAM_SCHEMAS,
  type StreamName,
  type StreamRecord,
  tsMsToNs,
} from "./records.js";

/** Options of {@link AnalyticsLogger}. */
export interface AnalyticsLoggerOptions {
  /** Directory of the run's files (created if missing). */
  dir: string;
  /** Periodic flush interval, ms (default 1000; 0 disables the timer). */
  flushIntervalMs?: number;
  /** Flush a stream when its buffer reaches this many bytes (default 256 KiB). */
  maxBufferBytes?: number;
  /** Rotate a stream file before it would exceed this size, bytes (default 64 MiB). */
  rotateBytes?: number;
  /**
   * After a write error (disk full, …) a stream keeps its unwritten records in memory, retried at
   * most once per second, up to this many bytes; beyond, they are dropped (counted). Default 64 MiB.
   */
  retainBytes?: number;
  /** Called when a stream's writes start failing (`error`) and when they succeed again (`recovered`). */
  onWriteTrouble?: (event: WriteTroubleEvent) => void;
}

/** A stream's writes failing or succeeding again (see {@link AnalyticsLoggerOptions.onWriteTrouble}). */
export interface WriteTroubleEvent {
  kind: "error" | "recovered";
  stream: StreamName;
  /** The error (`error`), or how many records the retry wrote (`recovered`). */
  message: string;
  /** Records held in memory for the retry (`error`), written by it (`recovered`). */
  records: number;
}

/** Counters of one stream. */
export interface StreamStats {
  /** Records accepted and written to disk. */
  written: number;
  /** Records rejected by validation. */
  invalid: number;
  /** Records accepted but lost to an I/O error. */
  dropped: number;
  /** I/O errors. */
  writeErrors: number;
  /** Bytes written. */
  bytes: number;
  /** Rotations performed. */
  rotations: number;
  /** Records buffered, not yet on disk. */
  buffered: number;
  /** Last validation or I/O error message. */
  lastError: string | null;
}

/** Counters of the logger. */
export interface LoggerStats {
  streams: Record<StreamName, StreamStats>;
  totalWritten: number;
  totalInvalid: number;
  totalDropped: number;
  totalWriteErrors: number;
  /** Last error of any stream (or of the manifest / directory). */
  lastError: string | null;
}

/** The common stamp of a record written now: schema version and both timestamps. */
export function stamp(tsMs: number): { schema_version: number; ts_ms: number; timestamp_ns: number } {
  return { schema_version: SCHEMA_VERSION, ts_ms: tsMs, timestamp_ns: tsMsToNs(tsMs) };
}

interface StreamState {
  /** The stream's schema and its compiled fast checker (null: zod only). */
  schema: z.ZodType;
  check: FastCheck | null;
  /** UTF-8 bytes of the buffered lines, `buf[0, used)` (allocated on first write, grown as needed). */
  buf: Buffer | null;
  used: number;
  /** Buffered size in UTF-16 code units (what the `maxBufferBytes` flush threshold counts). */
  bufferedBytes: number;
  fd: number | null;
  size: number;
  stats: StreamStats;
  /** Wall time (ms) before which a failed stream is not retried; 0 while writes succeed. */
  retryAtMs: number;
}

/** Shortest wait between retries of a stream whose writes failed (wall ms). */
const WRITE_RETRY_MS = 1000;

/** Initial capacity of a stream's byte buffer beyond `maxBufferBytes` (room for the line that crosses it). */
const BUFFER_SLACK_BYTES = 64 * 1024;
/** Largest initial byte buffer (a larger `maxBufferBytes` grows the buffer on demand). */
const MAX_INITIAL_BUFFER_BYTES = 8 * 1024 * 1024;

/** Loggers not yet closed; flushed synchronously when the process exits. */
const openLoggers = new Set<AnalyticsLogger>();
let exitHookInstalled = false;

function flushOpenLoggersAtExit(): void {
  for (const logger of openLoggers) logger.flush(true);
}

/** Writes validated records to one JSONL file per stream; writes never throw (the constructor rejects bad options). */
export class AnalyticsLogger {
  /** The run directory. */
  readonly dir: string;
  private readonly maxBufferBytes: number;
  private readonly rotateBytes: number;
  private readonly retainBytes: number;
  private readonly onWriteTrouble: ((event: WriteTroubleEvent) => void) | null;
  private readonly streams = new Map<StreamName, StreamState>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private lastError: string | null = null;
  private otherErrors = 0;

  constructor(options: AnalyticsLoggerOptions) {
    // Checked here: a missing dir used to be accepted and then fail every single write.
    const dir: unknown = options?.dir;
    if (typeof dir !== "string" || dir === "") {
      const got = typeof dir === "string" ? '""' : String(dir);
      throw new Error(`AnalyticsLogger: options.dir must be a non-empty directory path, got ${got}`);
    }
    this.dir = options.dir;
    this.maxBufferBytes = options.maxBufferBytes ?? 256 * 1024;
    this.rotateBytes = options.rotateBytes ?? 64 * 1024 * 1024;
    this.retainBytes = options.retainBytes ?? 64 * 1024 * 1024;
    this.onWriteTrouble = options.onWriteTrouble ?? null;
    if (!(this.rotateBytes > 0)) throw new Error(`AnalyticsLogger: rotateBytes must be > 0`);
    for (const name of Object.keys(STREAM_FILES) as StreamName[]) {
      const schema = STREAM_SCHEMAS[name] as z.ZodType;
      this.streams.set(name, {
        schema,
        check: fastCheckFor(schema),
        buf: null,
        used: 0,
        bufferedBytes: 0,
        fd: null,
        size: 0,
        retryAtMs: 0,
        stats: {
          written: 0,
          invalid: 0,
          dropped: 0,
          writeErrors: 0,
          bytes: 0,
          rotations: 0,
          buffered: 0,
          lastError: null,
        },
      });
    }
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      this.otherErrors += 1;
      this.lastError = `mkdir ${this.dir}: ${(e as Error).message}`;
    }
    const interval = options.flushIntervalMs ?? 1000;
    if (interval > 0) {
      this.timer = setInterval(() => this.flush(), interval);
      this.timer.unref();
    }
    openLoggers.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on("exit", flushOpenLoggersAtExit);
    }
  }

  /** Path of a stream's current file. */
  path(stream: StreamName): string {
    return join(this.dir, STREAM_FILES[stream]);
  }

  /** Validate and buffer one record. Returns false (and counts it) when invalid or closed. */
  write<S extends StreamName>(stream: S, record: StreamRecord[S]): boolean {
    const st = this.streams.get(stream);
    if (st === undefined) {
      this.otherErrors += 1;
      this.lastError = `unknown stream "${String(stream)}"`;
      return false;
    }
    let json: string;
    try {
      if (this.closed) throw new Error("logger is closed");
      let data: unknown = record;
      // fast path: valid and returned unchanged by zod; otherwise zod decides (and words the error)
      if (st.check === null || !st.check(record)) {
        const r = st.schema.safeParse(record);
        if (!r.success) {
          const first = r.error.issues[0];
          throw new Error(
            `invalid ${stream} record: ${first ? `${first.path.join(".")}: ${first.message}` : "?"}`,
          );
        }
        const stripped = firstStrippedKey(record, r.data, "");
        if (stripped !== null) throw new Error(`invalid ${stream} record: unknown field ${stripped}`);
        data = r.data;
      }
      json = JSON.stringify(data);
    } catch (e) {
      st.stats.invalid += 1;
      st.stats.lastError = (e as Error).message;
      this.lastError = st.stats.lastError;
      return false;
    }
    // append the line's UTF-8 bytes (at most 3 per UTF-16 code unit) and the newline
    const need = st.used + json.length * 3 + 1;
    const buf = st.buf !== null && need <= st.buf.length ? st.buf : this.growBuffer(st, need);
    st.used += buf.write(json, st.used, "utf8");
    buf[st.used++] = 10;
    st.bufferedBytes += json.length + 1;
    st.stats.buffered += 1;
    if (st.bufferedBytes >= this.maxBufferBytes) this.flushStream(stream, st);
    return true;
  }

  private growBuffer(st: StreamState, need: number): Buffer {
    const initial = Math.min(this.maxBufferBytes + BUFFER_SLACK_BYTES, MAX_INITIAL_BUFFER_BYTES);
    const cap = Math.max(need, st.buf === null ? initial : st.buf.length * 2);
    const next = Buffer.allocUnsafeSlow(cap);
    if (st.buf !== null) st.buf.copy(next, 0, 0, st.used);
    st.buf = next;
    return next;
  }

  /** Write (atomically replace) the run manifest `run.json`. Returns false on error (counted). */
  writeManifest(manifest: RunManifest): boolean {
    try {
      const r = runManifestSchema.safeParse(manifest);
      if (!r.success) throw new Error(`invalid run manifest: ${r.error.issues[0]?.message ?? "?"}`);
      const file = join(this.dir, RUN_MANIFEST_FILE);
      writeFileSync(`${file}.tmp`, `${JSON.stringify(r.data, null, 2)}\n`);
      renameSync(`${file}.tmp`, file);
      return true;
    } catch (e) {
      this.otherErrors += 1;
      this.lastError = (e as Error).message;
      return false;
    }
  }

  /**
   * Flush every stream's buffer to disk. Never throws. A stream whose last write failed is retried
   * only once its wait is over, unless `force`.
   */
  flush(force = false): void {
    for (const [name, st] of this.streams) this.flushStream(name, st, force);
  }

  /** Records accepted but not on disk because a write failed (held for the retry). */
  unwrittenRecords(): number {
    let n = 0;
    for (const st of this.streams.values()) if (st.retryAtMs > 0) n += st.stats.buffered;
    return n;
  }

  private flushStream(stream: StreamName, st: StreamState, force = false): void {
    if (st.stats.buffered === 0 || st.buf === null) return;
    if (st.retryAtMs > 0 && !force && Date.now() < st.retryAtMs) return;
    const n = st.stats.buffered;
    const bytes = st.used;
    try {
      appendToStreamFile(st, this.dir, STREAM_FILES[stream], st.buf, bytes, this.rotateBytes);
    } catch (e) {
      st.stats.writeErrors += 1;
      st.stats.lastError = `write ${STREAM_FILES[stream]}: ${(e as Error).message}`;
      this.lastError = st.stats.lastError;
      const first = st.retryAtMs === 0;
      st.retryAtMs = Date.now() + WRITE_RETRY_MS;
      if (bytes > this.retainBytes) {
        st.stats.dropped += n;
        this.emptyBuffer(st);
      }
      if (first)
        this.onWriteTrouble?.({
          kind: "error",
          stream,
          message: st.stats.lastError,
          records: st.stats.buffered,
        });
      return;
    }
    st.stats.bytes += bytes;
    st.stats.written += n;
    this.emptyBuffer(st);
    if (st.retryAtMs > 0) {
      st.retryAtMs = 0;
      this.onWriteTrouble?.({
        kind: "recovered",
        stream,
        message: `${n} held record(s) written`,
        records: n,
      });
    }
  }

  private emptyBuffer(st: StreamState): void {
    st.used = 0;
    st.bufferedBytes = 0;
    st.stats.buffered = 0;
  }

  /** Flush, close every file and stop the timer. Further writes are rejected (counted invalid). */
  close(): void {
    if (this.closed) return;
    this.flush(true);
    this.closed = true;
    for (const st of this.streams.values()) {
      // a last retry failed: what it held is lost now
      if (st.stats.buffered === 0) continue;
      st.stats.dropped += st.stats.buffered;
      this.emptyBuffer(st);
    }
    openLoggers.delete(this);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const st of this.streams.values()) {
      if (st.fd === null) continue;
      try {
        closeSync(st.fd);
      } catch (e) {
        st.stats.writeErrors += 1;
        st.stats.lastError = (e as Error).message;
      }
      st.fd = null;
    }
  }

  /** Counters per stream and totals. */
  stats(): LoggerStats {
    const streams = {} as Record<StreamName, StreamStats>;
    let w = 0;
    let inv = 0;
    let dr = 0;
    let we = this.otherErrors;
    for (const [name, st] of this.streams) {
      streams[name] = { ...st.stats };
      w += st.stats.written;
      inv += st.stats.invalid;
      dr += st.stats.dropped;
      we += st.stats.writeErrors;
    }
    return {
      streams,
      totalWritten: w,
      totalInvalid: inv,
      totalDropped: dr,
      totalWriteErrors: we,
      lastError: this.lastError,
    };
  }
}
