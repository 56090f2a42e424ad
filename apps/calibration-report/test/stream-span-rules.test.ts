/** Which stream is another run's: the slack on every bound and the tie-break, on spans given by hand. */
import { describe, expect, it } from "vitest";
import type { InputFileSummary } from "../src/model.js";
import { checkStreamSpans } from "../src/stream-spans.js";
import { manifest, T0 } from "./run-dir.js";

const S = 1000;
const NO_EVENTS = { firstStartMs: null, finalEndMs: null };

function input(file: string, firstTsMs: number, lastTsMs: number): InputFileSummary {
  return {
    stream: file.replace(".jsonl", ""),
    file,
    present: true,
    bytes: 1,
    records: 1,
    used: 1,
    badLines: 0,
    outsideWindow: 0,
    firstTsMs,
    lastTsMs,
    unreadable: null,
  };
}

/** The files blamed when fills.jsonl spans [lo, hi] beside equity over [T0, T0 + 600 s]. */
const blamed = (lo: number, hi: number): string[] =>
  checkStreamSpans(
    [input("equity.jsonl", T0, T0 + 600 * S), input("fills.jsonl", lo, hi)],
    NO_EVENTS,
    null,
  ).map((f) => f.file);

describe("stream spans", () => {
  it("records up to 120 s outside the equity samples' span are the run's own (slack); beyond, another run's", () => {
    expect(blamed(T0 - 100 * S, T0 + 300 * S)).toEqual([]);
    expect(blamed(T0 + 10 * S, T0 + 700 * S)).toEqual([]);
    // beyond the slack the two disagree (tied: both named, see the next test for the tie-break)
    expect(blamed(T0 - 200 * S, T0 + 300 * S)).toContain("fills.jsonl");
    expect(blamed(T0 + 10 * S, T0 + 800 * S)).toContain("fills.jsonl");
  });

  it("of two files tied in conflicts, the one whose span meets none of the other streams is blamed", () => {
    const findings = checkStreamSpans(
      [
        input("equity.jsonl", T0, T0 + 600 * S),
        input("fills.jsonl", T0 - 86_400 * S, T0 - 86_000 * S), // a day earlier
        input("predictions.jsonl", T0 + 5 * S, T0 + 590 * S),
      ],
      NO_EVENTS,
      null,
    );
    expect(findings.map((f) => f.file)).toEqual(["fills.jsonl"]);
    expect(findings[0]!.reasons).toHaveLength(1);
    expect(findings[0]!.reasons[0]).toMatch(/^fills\.jsonl \(.*\) starts .* before the equity samples' span/);
  });

  it("only a live run's run.json (on the local clock) bounds the records by its wall start and end", () => {
    // streams of a 600 s run three days before run.json's start/end
    const DAY = 86_400 * S;
    const streams = [input("equity.jsonl", T0, T0 + 600 * S), input("fills.jsonl", T0 + 5 * S, T0 + 590 * S)];
    const runJson = (source: { kind: string; clock?: string }) => ({
      ...manifest(),
      source,
      started_ts_ms: T0 + 3 * DAY,
      ended_ts_ms: T0 + 3 * DAY + 600 * S,
    });
    const blamedBy = (source: { kind: string; clock?: string }): string[] =>
      checkStreamSpans(streams, NO_EVENTS, runJson(source)).map((f) => f.file);
    expect(blamedBy({ kind: "hyperliquid", clock: "local" })).toEqual(["run.json"]);
    // records on the venue's clock (and a run.json from before the clock was written): no wall-clock bound
    expect(blamedBy({ kind: "hyperliquid", clock: "exchange" })).toEqual([]);
    expect(blamedBy({ kind: "hyperliquid" })).toEqual([]);
    // a replay or a synthetic run: its records are in market time, run.json's start/end in wall time
    expect(blamedBy({ kind: "replay", clock: "local" })).toEqual([]);
    expect(blamedBy({ kind: "synthetic", clock: "local" })).toEqual([]);
  });
});
