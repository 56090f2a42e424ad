/**
 * Do the streams belong to one run? Their time spans must agree with each other and with run.json.
 * Catches a file copied or left over from another run (QA: another run's equity.jsonl in a 600 s
 * run's directory gave "Duration 25d 21h" and a NO-GO from a Sharpe of −269.84), which the
 * interleaving checks of run-mixing.ts cannot see: such a file is in time order on its own.
 *
 * What a paper-trader run legitimately has (apps/paper-trader/README.md): equity samples from its
 * first mid to its last event (a last sample at the stop), so every other record lies between them;
 * gaps (a stale feed, a stop between sessions) that every stream shares; a resumed run's streams
 * continue the checkpoint's with no earlier time; a stop's pause keeps its `run_end` before the
 * resumed part. Records carry no run id (only run.json has one), so times are all there is.
 */
import type { RunManifest } from "@mmkit/analytics";
import { fmtDuration, fmtTs } from "./format.js";
import type { InputFileSummary } from "./model.js";

/**
 * Slack on every bound, ms: the run start precedes the first mid; the kill switch's halt lets the
 * market run on up to 60 s (the cancels in flight); a record's time may trail its event a little.
 */
export const SPAN_SLACK_MS = 120_000;

/** The run's start and end as events.jsonl states them (whatever the time filter). */
export interface EventBounds {
  /** Time of the first run start (`run_start` / `start`), or null. */
  firstStartMs: number | null;
  /** Time of the last `run_end` when it is the stream's last record (the run ended), else null. */
  finalEndMs: number | null;
}

/** A stream (or run.json) found not to belong with the others. */
export interface SpanFinding {
  /** The file blamed: "equity.jsonl", …, or "run.json". */
  file: string;
  /** In one line: the file's span against the rest of the run's. */
  summary: string;
  /** Why, one line per disagreement. */
  reasons: string[];
}

interface Node {
  file: string;
  lo: number;
  hi: number;
}

/** One disagreement between two nodes: `a`'s records outside what `b` allows. */
interface Conflict {
  a: string;
  b: string;
  reason: string;
}

const span = (n: Node): string => `${fmtTs(n.lo)} .. ${fmtTs(n.hi)}`;
const secs = (ms: number): string => fmtDuration(ms / 1000);

/** run.json of a live paper-trader run: its record times are the wall clock run.json's start/end use. */
function liveManifest(m: RunManifest): boolean {
  const kind = m.source.kind;
  return kind !== "synthetic" && kind !== "replay" && m.source["clock"] === "local";
}

/** `x` outside [lo, hi] (with the slack): the reason, else null. */
function outside(x: Node, lo: number | null, hi: number | null, what: string): string | null {
  if (lo !== null && x.lo < lo - SPAN_SLACK_MS)
    return `${x.file} (${span(x)}) starts ${secs(lo - x.lo)} before ${what} ${fmtTs(lo)}`;
  if (hi !== null && x.hi > hi + SPAN_SLACK_MS)
    return `${x.file} (${span(x)}) ends ${secs(x.hi - hi)} after ${what} ${fmtTs(hi)}`;
  return null;
}

/**
 * Check the streams' spans (plausible records, before the time filter) against each other, the run
 * start/end in events.jsonl and run.json (its `config.durationSec`; for a live run its start/end
 * times). The stream(s) or run.json in most disagreements are blamed, one at a time, until the rest
 * agree; a tie blames every stream in it.
 */
export function checkStreamSpans(
  inputs: InputFileSummary[],
  events: EventBounds,
  manifest: RunManifest | null,
): SpanFinding[] {
  const nodes: Node[] = inputs
    .filter((i) => i.firstTsMs !== null && i.lastTsMs !== null)
    .map((i) => ({ file: i.file, lo: i.firstTsMs!, hi: i.lastTsMs! }));
  const conflicts: Conflict[] = [];
  const add = (a: string, b: string, reason: string | null): void => {
    if (reason !== null) conflicts.push({ a, b, reason });
  };
  // every record of a run lies between its first and last equity sample
  const equity = nodes.find((n) => n.file === "equity.jsonl");
  if (equity !== undefined)
    for (const x of nodes)
      if (x !== equity)
        add(x.file, equity.file, outside(x, equity.lo, equity.hi, "the equity samples' span"));
  // ... and between its first run start and its final run_end
  const ev = nodes.find((n) => n.file === "events.jsonl");
  if (ev !== undefined) {
    for (const x of nodes) {
      if (x === ev) continue;
      add(x.file, ev.file, outside(x, events.firstStartMs, null, "the run start in events.jsonl at"));
      add(x.file, ev.file, outside(x, null, events.finalEndMs, "the run end in events.jsonl at"));
    }
  }
  if (manifest !== null) {
    const durationSec = manifest.config["durationSec"];
    if (typeof durationSec === "number" && Number.isFinite(durationSec) && durationSec > 0)
      for (const x of nodes)
        if (x.hi - x.lo > durationSec * 1000 + SPAN_SLACK_MS)
          add(
            x.file,
            "run.json",
            `${x.file} spans ${secs(x.hi - x.lo)} (${span(x)}), longer than the run's duration ${secs(durationSec * 1000)} (run.json config.durationSec)`,
          );
    if (liveManifest(manifest))
      for (const x of nodes) {
        add(x.file, "run.json", outside(x, manifest.started_ts_ms, null, "the live run's start in run.json"));
        add(x.file, "run.json", outside(x, null, manifest.ended_ts_ms, "the live run's end in run.json"));
      }
  }
  return blame(conflicts, nodes);
}

/** How many other streams' spans `n`'s does not meet (with the slack): a tie-break, not a finding. */
function apart(n: Node, nodes: Node[]): number {
  return nodes.filter((o) => o !== n && (o.hi < n.lo - SPAN_SLACK_MS || o.lo > n.hi + SPAN_SLACK_MS)).length;
}

/**
 * Blame the node(s) in most remaining conflicts until none is left; of nodes tied on conflicts,
 * those whose span meets fewest of the other streams' (fills copied from another day meet none).
 */
function blame(conflicts: Conflict[], nodes: Node[]): SpanFinding[] {
  const out: SpanFinding[] = [];
  let left = conflicts;
  const apartOf = (f: string): number => {
    const n = nodes.find((x) => x.file === f);
    return n === undefined ? 0 : apart(n, nodes);
  };
  while (left.length > 0) {
    const degree = new Map<string, number>();
    for (const c of left) for (const f of [c.a, c.b]) degree.set(f, (degree.get(f) ?? 0) + 1);
    const max = Math.max(...degree.values());
    const tied = [...degree].filter(([, d]) => d === max).map(([f]) => f);
    const maxApart = Math.max(...tied.map(apartOf));
    const worst = tied.filter((f) => apartOf(f) === maxApart);
    for (const f of worst) {
      const mine = left.filter((c) => c.a === f || c.b === f);
      out.push({ file: f, summary: describe(f, mine, nodes), reasons: mine.map((c) => c.reason) });
    }
    left = left.filter((c) => !worst.includes(c.a) && !worst.includes(c.b));
  }
  return out;
}

/** "equity.jsonl (A .. B) does not fit the rest of the run: fills.jsonl, events.jsonl (C .. D)". */
function describe(file: string, mine: Conflict[], nodes: Node[]): string {
  const self = nodes.find((n) => n.file === file);
  if (self === undefined) return `${file} does not fit the streams: ${mine[0]!.reason}`;
  const partners = [...new Set(mine.map((c) => (c.a === file ? c.b : c.a)))];
  const streams = nodes.filter((n) => partners.includes(n.file));
  const parts: string[] = [];
  if (streams.length > 0) {
    const lo = Math.min(...streams.map((n) => n.lo));
    const hi = Math.max(...streams.map((n) => n.hi));
    parts.push(`${streams.map((n) => n.file).join(", ")} (${fmtTs(lo)} .. ${fmtTs(hi)})`);
  }
  const manifest = mine.find((c) => c.a === "run.json" || c.b === "run.json");
  if (manifest !== undefined) parts.push(manifest.reason.replace(`${file} `, "it "));
  return `${file} (${span(self)}) does not fit the rest of the run: ${parts.join("; ")}`;
}
