/**
 * Detection of a run directory whose streams interleave more than one run (two trader processes
 * writing into the same --output-dir at once, or appended runs). Bounded memory: a few counters and
 * the first findings per check; file:line of a finding is resolved afterwards by re-scanning only
 * the files that have one (the streaming reader yields records, not line numbers).
 *
 * A run resumed with --resume is one run: the trader truncates the streams to the checkpoint and
 * continues them, writing no second `run_start` and no earlier timestamps.
 */
import { createReadStream } from "node:fs";
import { basename, join } from "node:path";
import {
  type EventRecord,
  type FillRecord,
  STREAM_FILES,
  STREAM_SCHEMAS,
  type StreamName,
  stripBom,
  validateRecord,
} from "@mmkit/analytics";
import { MAX_DATE_MS } from "./format.js";
import type { IssueLog } from "./inputs.js";
import type { InputIssue } from "./model.js";
import type { EventBounds, SpanFinding } from "./stream-spans.js";

/** Event kinds that mark the start of a run (`run_start` from the paper trader, `start` from older writers). */
export const RUN_START_KINDS: ReadonlySet<string> = new Set(["run_start", "start"]);

/** Default tolerance for a record time earlier than the previous record's in the same stream. */
export const DEFAULT_ORDER_TOLERANCE_MS = 1000;

/** Findings kept (and located by line) per check; all are counted. */
const KEEP = 3;
/** Distinct fill-id prefixes tracked for the counter check. */
const MAX_ID_PREFIXES = 64;

/** Streams whose `ts_ms` must not go backwards (the trader writes them in time order). */
export type OrderedStream = "equity" | "fills";

/** What the mixing checks found (in the report model as `runMixing`). */
export interface RunMixingModel {
  /** True when any check fired: the verdict is then INSUFFICIENT DATA. */
  detected: boolean;
  /** Run-start events (`run_start` / `start`) in events.jsonl, all parts, whatever the time filter. */
  runStarts: number;
  /** Tolerance of the time-order check, ms. */
  toleranceMs: number;
  /** Per ordered stream: records earlier than the previous record by more than the tolerance. */
  timeRegressions: { stream: OrderedStream; count: number; maxBackMs: number }[];
  /** Fills whose id ends in a counter (F1, F2, …) not above the previous one with the same prefix. */
  fillIdRestarts: number;
  /** Streams (or run.json) whose time span disagrees with the others': another run's file (stream-spans.ts). */
  foreignStreams: SpanFinding[];
  /** The first findings as file:line (also in the report's issues). */
  findings: InputIssue[];
  /** One short line per check that fired, for the verdict notes. */
  summary: string[];
}

interface Pos {
  file: string;
  index: number;
}

interface Finding extends Pos {
  stream: StreamName;
  reason: string;
}

/** Resolve valid-record indexes of one file to 1-based line numbers (same line rules as the reader). */
export async function recordLines(
  file: string,
  stream: StreamName,
  wanted: Set<number>,
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const schema = STREAM_SCHEMAS[stream];
  let lineNo = 0;
  let index = 0;
  const handle = (raw: string): void => {
    lineNo++;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const text = lineNo === 1 ? stripBom(line) : line; // as the reader does
    if (text.trim().length === 0) return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      return;
    }
    if (!validateRecord(schema as never, obj).success) return;
    if (wanted.has(index)) out.set(index, lineNo);
    index++;
  };
  let carry = "";
  const rs = createReadStream(file, { encoding: "utf8", highWaterMark: 4 * 1024 * 1024 });
  try {
    for await (const chunk of rs as AsyncIterable<string>) {
      const text = carry + chunk;
      let pos = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", pos)) {
        handle(text.slice(pos, nl));
        pos = nl + 1;
        if (out.size === wanted.size) return out;
      }
      carry = text.slice(pos);
    }
    if (carry.length > 0) handle(carry);
  } finally {
    rs.destroy();
  }
  return out;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 1)} s`;
const iso = (ms: number): string =>
  Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : String(ms);

/** Feed every valid record of events.jsonl, equity.jsonl and fills.jsonl (before the time filter), then `result()`. */
export class RunMixingCheck {
  private runStarts = 0;
  private readonly runStartPos: Pos[] = [];
  private readonly last = new Map<OrderedStream, number>();
  private readonly regressions = new Map<
    OrderedStream,
    { count: number; maxBackMs: number; kept: Finding[] }
  >();
  private readonly lastIdNum = new Map<string, { n: number; id: string }>();
  private idRestarts = 0;
  private readonly idKept: Finding[] = [];
  private firstStartMs: number | null = null;
  private lastEvent: { kind: string; tsMs: number } | null = null;

  constructor(readonly toleranceMs: number = DEFAULT_ORDER_TOLERANCE_MS) {}

  /** One events.jsonl record at (file, index of the valid record in that file). */
  event(r: EventRecord, file: string, index: number): void {
    this.lastEvent = { kind: r.kind, tsMs: r.ts_ms };
    if (!RUN_START_KINDS.has(r.kind)) return;
    this.firstStartMs ??= r.ts_ms;
    this.runStarts++;
    if (this.runStartPos.length < KEEP + 1) this.runStartPos.push({ file, index });
  }

  /** One equity or fills record's time. */
  timed(stream: OrderedStream, tsMs: number, file: string, index: number): void {
    const prev = this.last.get(stream);
    if (prev !== undefined && prev - tsMs > this.toleranceMs) {
      const back = prev - tsMs;
      let reg = this.regressions.get(stream);
      if (reg === undefined) {
        reg = { count: 0, maxBackMs: 0, kept: [] };
        this.regressions.set(stream, reg);
      }
      reg.count++;
      if (back > reg.maxBackMs) reg.maxBackMs = back;
      if (reg.kept.length < KEEP)
        reg.kept.push({
          stream,
          file,
          index,
          reason: `time goes back ${secs(back)} (another run interleaved): ${iso(prev)} -> ${iso(tsMs)}`,
        });
    }
    this.last.set(stream, tsMs);
  }

  /** One fills.jsonl record: time order, and ids ending in a per-run counter must increase. */
  fill(r: FillRecord, file: string, index: number): void {
    this.timed("fills", r.ts_ms, file, index);
    const m = /^(.*?)(\d{1,15})$/.exec(r.fill_id);
    if (m === null) return;
    const prefix = m[1]!;
    const n = Number(m[2]);
    const prev = this.lastIdNum.get(prefix);
    if (prev !== undefined && n <= prev.n) {
      this.idRestarts++;
      if (this.idKept.length < KEEP)
        this.idKept.push({
          stream: "fills",
          file,
          index,
          reason: `fill_id ${r.fill_id} after ${prev.id}: the fill counter restarts (another run's fills)`,
        });
    }
    if (prev !== undefined || this.lastIdNum.size < MAX_ID_PREFIXES)
      this.lastIdNum.set(prefix, { n, id: r.fill_id });
  }

  /** The run's start and end as events.jsonl states them (for {@link checkStreamSpans}). */
  eventBounds(): EventBounds {
    const last = this.lastEvent;
    return { firstStartMs: this.firstStartMs, finalEndMs: last?.kind === "run_end" ? last.tsMs : null };
  }

  /**
   * Locate the findings by line, add them (and `foreign`: streams of another run, in `dir`) to
   * `issues`, and return the model.
   */
  async result(issues: IssueLog, foreign: SpanFinding[] = [], dir = ""): Promise<RunMixingModel> {
    const findings: Finding[] = [];
    const summary: string[] = [];
    for (const f of foreign) {
      for (const reason of f.reasons) issues.add(join(dir, f.file), `not this run's: ${reason}`);
      const more = f.reasons.length > 1 ? ` (+${f.reasons.length - 1} more, see Inputs)` : "";
      summary.push(`${f.summary}${more}`);
    }
    if (this.runStarts > 1) {
      for (let k = 1; k < this.runStartPos.length; k++) {
        findings.push({
          stream: "events",
          ...this.runStartPos[k]!,
          reason: `run start #${k + 1} of ${this.runStarts}: another run wrote into this directory`,
        });
      }
    }
    for (const reg of this.regressions.values()) findings.push(...reg.kept);
    findings.push(...this.idKept);

    // Resolve lines, one scan per file that has a finding (the first run start too, for the note).
    const wanted = new Map<string, { stream: StreamName; idx: Set<number> }>();
    const want = (stream: StreamName, p: Pos): void => {
      let w = wanted.get(p.file);
      if (w === undefined) {
        w = { stream, idx: new Set() };
        wanted.set(p.file, w);
      }
      w.idx.add(p.index);
    };
    if (this.runStarts > 1) want("events", this.runStartPos[0]!);
    for (const f of findings) want(f.stream, f);
    const lines = new Map<string, Map<number, number>>();
    for (const [file, w] of wanted) {
      try {
        lines.set(file, await recordLines(file, w.stream, w.idx));
      } catch {
        lines.set(file, new Map());
      }
    }
    const lineOf = (p: Pos): string => {
      const line = lines.get(p.file)?.get(p.index);
      return line === undefined ? `record ${p.index + 1}` : String(line);
    };
    /** "lines 12, 40, ..." (file named only when it is a rotated part or another file). */
    const where = (stream: StreamName, ps: Pos[], more: boolean): string => {
      const locs = ps.map((p) =>
        basename(p.file) === STREAM_FILES[stream] ? lineOf(p) : `${basename(p.file)}:${lineOf(p)}`,
      );
      return `${locs.length > 1 || more ? "lines" : "line"} ${locs.join(", ")}${more ? ", ..." : ""}`;
    };

    const out: InputIssue[] = [];
    for (const f of findings) {
      const issue = { location: `${f.file}:${lineOf(f)}`, reason: f.reason };
      out.push(issue);
      issues.add(issue.location, issue.reason);
    }
    if (this.runStarts > 1) {
      const more = this.runStarts > this.runStartPos.length;
      summary.push(
        `${STREAM_FILES.events}: ${this.runStarts} run starts, at ${where("events", this.runStartPos, more)}`,
      );
    }
    const regressions: RunMixingModel["timeRegressions"] = [];
    for (const [stream, reg] of this.regressions) {
      regressions.push({ stream, count: reg.count, maxBackMs: reg.maxBackMs });
      const more = reg.count > reg.kept.length;
      summary.push(
        `${STREAM_FILES[stream]}: time goes back ${reg.count}x, at ${where(stream, reg.kept, more)}`,
      );
    }
    if (this.idRestarts > 0) {
      const more = this.idRestarts > this.idKept.length;
      summary.push(
        `${STREAM_FILES.fills}: fill_id restarts ${this.idRestarts}x, at ${where("fills", this.idKept, more)}`,
      );
    }
    return {
      detected: summary.length > 0,
      runStarts: this.runStarts,
      toleranceMs: this.toleranceMs,
      timeRegressions: regressions,
      fillIdRestarts: this.idRestarts,
      foreignStreams: foreign,
      findings: out,
      summary,
    };
  }
}
