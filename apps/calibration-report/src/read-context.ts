/** Reading context of one report build: plausible record times, the time filter and run span, per-file positions, inputs and issues. */
import type { StreamName, StreamRecord } from "@mmkit/analytics";
import { IssueLog, openStream } from "./inputs.js";
import type { InputFileSummary } from "./model.js";
import { recordLines } from "./run-mixing.js";
import { inRange, type TimeRange } from "./time-range.js";

/**
 * Latest plausible record time, epoch ms: 9999-12-31T23:59:59.999Z. Beyond it (or before 1970, or
 * outside the JS date range ±8.64e15) a `ts_ms` is not a trading record's time but a unit mix-up
 * (a 2024 time in µs is 1.7e15 "ms", year 55,000) or garbage: such a record is skipped and flagged.
 */
export const MAX_PLAUSIBLE_TS_MS = 253_402_300_799_999;

/** True when `tsMs` can be a record's epoch-ms time (1970-01-01 .. 9999-12-31). */
export function plausibleTime(tsMs: number): boolean {
  return tsMs >= 0 && tsMs <= MAX_PLAUSIBLE_TS_MS;
}

/** Implausible-time findings located by line (first ones per build; all are counted). */
const KEEP_BAD_TIMES = 20;

/** Position of the next valid record in the part file a stream is reading. */
export class RecordPos {
  private file: string | null = null;
  private index = 0;

  constructor(private readonly s: { currentFile: () => string | null }) {}

  /** Call after each batch is fetched: a new part file restarts the count. */
  batch(): void {
    const f = this.s.currentFile();
    if (f !== this.file) {
      this.file = f;
      this.index = 0;
    }
  }

  /** File and index of the next record (advances). */
  next(): { file: string; index: number } {
    return { file: this.file ?? "", index: this.index++ };
  }
}

/** Shared state of one build: time filter, span, inputs, issues. */
export class ReadContext {
  readonly issues = new IssueLog();
  readonly inputs: InputFileSummary[] = [];
  readonly missing: string[] = [];
  private readonly badTimeCount = new Map<string, number>();
  private readonly badTimes: { stream: StreamName; file: string; index: number; tsMs: number }[] = [];
  /** Per stream: plausible record times seen (whatever the window) and records the window left out. */
  private readonly seen = new Map<StreamName, { lo: number; hi: number; outside: number }>();
  spanLo = Number.POSITIVE_INFINITY;
  spanHi = Number.NEGATIVE_INFINITY;

  constructor(
    readonly dir: string,
    private readonly range: TimeRange,
  ) {}

  /** True when the record time is inside the filter (and then widens the run span); else counted as left out. */
  keep(stream: StreamName, tsMs: number): boolean {
    if (!inRange(this.range, tsMs)) {
      this.seenOf(stream).outside++;
      return false;
    }
    if (tsMs < this.spanLo) this.spanLo = tsMs;
    if (tsMs > this.spanHi) this.spanHi = tsMs;
    return true;
  }

  /**
   * False (and the record is flagged) when its time is implausible ({@link plausibleTime}); such a
   * record is skipped by every section and check, and counted among its file's bad lines.
   */
  plausible(stream: StreamName, tsMs: number, pos: { file: string; index: number }): boolean {
    if (plausibleTime(tsMs)) {
      const s = this.seenOf(stream);
      if (tsMs < s.lo) s.lo = tsMs;
      if (tsMs > s.hi) s.hi = tsMs;
      return true;
    }
    this.badTimeCount.set(stream, (this.badTimeCount.get(stream) ?? 0) + 1);
    if (this.badTimes.length < KEEP_BAD_TIMES) this.badTimes.push({ stream, tsMs, ...pos });
    return false;
  }

  /** Add the implausible-time findings to the issues, located by line (one re-scan per file). */
  async flagBadTimes(): Promise<void> {
    const byFile = new Map<string, { stream: StreamName; idx: Set<number> }>();
    for (const b of this.badTimes) {
      const w = byFile.get(b.file) ?? { stream: b.stream, idx: new Set<number>() };
      w.idx.add(b.index);
      byFile.set(b.file, w);
    }
    const lines = new Map<string, Map<number, number>>();
    for (const [file, w] of byFile) {
      lines.set(file, await recordLines(file, w.stream, w.idx).catch(() => new Map<number, number>()));
    }
    for (const b of this.badTimes) {
      const line = lines.get(b.file)?.get(b.index);
      this.issues.add(
        `${b.file}:${line ?? `record ${b.index + 1}`}`,
        `implausible time: ts_ms ${b.tsMs} is outside 1970-01-01 .. 9999-12-31 (µs or ns written as ms?); record skipped`,
      );
    }
    let total = 0;
    for (const n of this.badTimeCount.values()) total += n;
    if (total > this.badTimes.length) {
      this.issues.add(
        "(more)",
        `${total - this.badTimes.length} more record(s) with an implausible time skipped`,
      );
    }
  }

  private seenOf(stream: StreamName): { lo: number; hi: number; outside: number } {
    let s = this.seen.get(stream);
    if (s === undefined) {
      s = { lo: Number.POSITIVE_INFINITY, hi: Number.NEGATIVE_INFINITY, outside: 0 };
      this.seen.set(stream, s);
    }
    return s;
  }

  /** Record a stream's summary (and whether it was missing). */
  done(summary: InputFileSummary): void {
    const stream = summary.stream as StreamName;
    summary.badLines += this.badTimeCount.get(stream) ?? 0;
    const s = this.seen.get(stream);
    if (s !== undefined && s.hi >= s.lo) {
      summary.firstTsMs = s.lo;
      summary.lastTsMs = s.hi;
    }
    summary.outsideWindow = s?.outside ?? 0;
    this.inputs.push(summary);
    if (!summary.present) this.missing.push(summary.file);
  }

  /**
   * Stream one file, calling `fn` for every valid record inside the time filter, and `check` (if
   * given) for every valid record whatever its time, with its part file and index among that file's
   * valid records.
   */
  async consume<K extends StreamName>(
    name: K,
    fn: (r: StreamRecord[K]) => void,
    check?: (r: StreamRecord[K], file: string, index: number) => void,
  ): Promise<void> {
    const s = await openStream(this.dir, name, this.issues);
    const pos = new RecordPos(s);
    for await (const batch of s.batches()) {
      pos.batch();
      for (const r of batch) {
        const at = pos.next();
        if (!this.plausible(name, r.ts_ms, at)) continue;
        if (check !== undefined) check(r, at.file, at.index);
        if (!this.keep(name, r.ts_ms)) continue;
        s.summary.used++;
        fn(r);
      }
    }
    s.finish();
    this.done(s.summary);
  }
}
