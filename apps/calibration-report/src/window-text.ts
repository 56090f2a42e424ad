/** Why a stream gave a section no record — missing, unreadable, empty, or left out by the --since/--until window — in words. */
import { fmtInt, fmtTs } from "./format.js";
import type { InputFileSummary } from "./model.js";
import type { TimeRange } from "./time-range.js";
import type { Verdict } from "./verdict.js";

/** "2030-01-01T00:00:00Z .. open": a time window as the notes show it. */
export function windowText(range: TimeRange): string {
  const b = (ms: number | null) => (ms === null ? "open" : fmtTs(ms));
  return `${b(range.sinceMs)} .. ${b(range.untilMs)}`;
}

/** "the time window A .. B excluded all 425 records of f.jsonl (its data: X .. Y)", or null when it excluded none. */
export function windowExcluded(input: InputFileSummary, range: TimeRange): string | null {
  if (input.outsideWindow === 0) return null;
  const all = input.used === 0 ? "all " : "";
  return `the time window ${windowText(range)} excluded ${all}${fmtInt(input.outsideWindow)} record(s) of ${input.file} (its data: ${fmtTs(input.firstTsMs)} .. ${fmtTs(input.lastTsMs)})`;
}

/** Why `input` (a stream's summary; undefined: not read) gave no record inside the window. */
export function noRecordsReason(input: InputFileSummary | undefined, file: string, range: TimeRange): string {
  if (input === undefined || !input.present) return `${file} missing`;
  if (input.unreadable !== null) return `${file} unreadable: ${input.unreadable}`;
  if (input.records === 0)
    return input.badLines > 0
      ? `${file} holds no valid record (${fmtInt(input.badLines)} bad line(s))`
      : `${file} empty`;
  return windowExcluded(input, range) ?? `${file} holds no record with a plausible time`;
}

/** The stream behind each criterion judged on one stream's records. */
const CRITERION_STREAM: Record<string, string> = {
  sharpe: "equity",
  drawdown: "equity",
  brier: "predictions",
  fills: "fills",
};

/**
 * Say, on each criterion left INSUFFICIENT DATA whose stream had records the window all left out,
 * how many it excluded and the data's time range; and, when it left out every record of every
 * stream, a note saying so. (A window past the data read as "no records" before.)
 */
export function explainWindow(verdict: Verdict, inputs: InputFileSummary[], range: TimeRange): void {
  if (range.sinceMs === null && range.untilMs === null) return;
  for (const c of verdict.criteria) {
    const input = inputs.find((i) => i.stream === CRITERION_STREAM[c.id]);
    if (c.status !== "INSUFFICIENT DATA" || input === undefined || input.used > 0) continue;
    const why = windowExcluded(input, range);
    if (why !== null) c.detail = `${c.detail}: ${why}`;
  }
  const withData = inputs.filter((i) => i.firstTsMs !== null && i.lastTsMs !== null);
  if (withData.length === 0 || withData.some((i) => i.used > 0)) return;
  const lo = Math.min(...withData.map((i) => i.firstTsMs!));
  const hi = Math.max(...withData.map((i) => i.lastTsMs!));
  const n = withData.reduce((k, i) => k + i.outsideWindow, 0);
  verdict.notes.push(
    `The time window ${windowText(range)} holds none of the run's records: it excluded all ${fmtInt(n)} (the data spans ${fmtTs(lo)} .. ${fmtTs(hi)}); check --since/--until.`,
  );
}
