/** A stream copied from another run (in time order on its own) is caught by its time span: no verdict on it. */
import { describe, expect, it } from "vitest";
import type { RunManifest } from "@mmkit/analytics";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { main } from "../src/main.js";
import { renderText } from "../src/render-text.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { equity, event, type RunFiles, T0, tempDirs, writeRunDir } from "./run-dir.js";

const S = 1000;
const DAY = 86_400 * S;
const criteria = parseCriteria(GOLDEN_CRITERIA);
const tmp = tempDirs("foreign");

/** Records moved by `ms` (another run's file: same shape, other times). */
function shifted<T extends { ts_ms: number; timestamp_ns: number }>(recs: T[], ms: number): T[] {
  return recs.map((r) => ({ ...r, ts_ms: r.ts_ms + ms, timestamp_ns: (r.ts_ms + ms) * 1e6 }));
}

/** The golden run as the paper trader writes it: a run_end at its last equity sample, run.json's duration. */
function finishedRun(): RunFiles {
  const g = goldenFiles();
  const manifest: RunManifest = { ...g.manifest!, config: { durationSec: 330 } };
  return { ...g, manifest, events: [...g.events!, event(T0 + 330 * S, "run_end")] };
}

async function report(name: string, files: RunFiles) {
  return buildReport(await writeRunDir(await tmp(name), files), { criteria });
}

describe("streams of another run", () => {
  it("the finished golden run alone: nothing flagged, GO (baseline)", async () => {
    const r = await report("alone", finishedRun());
    expect(r.runMixing.detected).toBe(false);
    expect(r.runMixing.foreignStreams).toEqual([]);
    expect(r.verdict.overall).toBe("GO");
  });

  it("another run's equity.jsonl (25 days later): INSUFFICIENT DATA, a note naming equity.jsonl and why", async () => {
    const files = finishedRun();
    const dir = await writeRunDir(await tmp("equity"), {
      ...files,
      equity: shifted(files.equity!, 25 * DAY),
    });
    const r = await buildReport(dir, { criteria });
    expect(r.runMixing.detected).toBe(true);
    expect(r.runMixing.foreignStreams.map((f) => f.file)).toEqual(["equity.jsonl"]);
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
    expect(r.verdict.exitCode).toBe(3);
    const notes = r.verdict.notes.join("\n");
    expect(notes).toContain(
      "equity.jsonl (2024-09-03T00:00:00Z .. 2024-09-03T00:05:30Z) does not fit the rest of the run: fills.jsonl,",
    );
    expect(notes).toMatch(/a file copied or left here from another run/);
    expect(notes).not.toMatch(/two traders wrote/);
    expect(r.issues.some((i) => i.location.endsWith("equity.jsonl") && /not this run's/.test(i.reason))).toBe(
      true,
    );
    expect(renderText(r)).toMatch(/VERDICT: INSUFFICIENT DATA {2}\(exit 3\)/);
    expect(
      await main([dir, "-q", "--min-fills", "4", "--min-sharpe-samples", "2"], {
        stdout: () => {},
        stderr: () => {},
      }),
    ).toBe(3);
  });

  it("another run's fills.jsonl, and separately its edge_validation.jsonl (a day earlier): that file is named", async () => {
    for (const stream of ["fills", "edge_validation"] as const) {
      const files = finishedRun();
      const r = await report(stream, { ...files, [stream]: shifted(files[stream]! as never[], -DAY) });
      expect(
        r.runMixing.foreignStreams.map((f) => f.file),
        stream,
      ).toEqual([`${stream}.jsonl`]);
      expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
      expect(r.verdict.notes.join("\n")).toMatch(
        new RegExp(
          `${stream}\\.jsonl \\(2024-08-08T00:00:20Z \\.\\. 2024-08-08T00:03:20Z\\) does not fit the rest of the run: equity\\.jsonl, events\\.jsonl`,
        ),
      );
    }
  });

  it("a longer run's equity.jsonl with the same start time: past the run_end and run.json's duration", async () => {
    const files = finishedRun();
    const longer = [...files.equity!, ...[1, 2, 3].map((h) => equity(T0 + h * 3_600 * S, 10_060))];
    const r = await report("longer", { ...files, equity: longer });
    expect(r.runMixing.foreignStreams.map((f) => f.file)).toEqual(["equity.jsonl"]);
    expect(r.runMixing.foreignStreams[0]!.reasons.join("\n")).toMatch(
      /equity\.jsonl spans 3h 00m 00s .*longer than the run's duration 5m 30s \(run\.json config\.durationSec\)/,
    );
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
  });

  it("a live run paused for two days and resumed: its gap is in every stream, nothing flagged", async () => {
    const g = goldenFiles();
    const gap = 2 * DAY;
    const manifest: RunManifest = {
      ...g.manifest!,
      source: { kind: "hyperliquid", clock: "local" },
      started_ts_ms: T0 - 3 * S,
      ended_ts_ms: T0 + gap + 331 * S,
      config: { durationSec: 7 * 86_400 },
    };
    const second = shifted(g.equity!, gap).map((e, k) =>
      k === 0 ? { ...e, unobserved_since_ms: T0 + 330 * S } : e,
    );
    const r = await report("paused", {
      ...g,
      manifest,
      equity: [...g.equity!, ...second.map((e) => ({ ...e, equity: e.equity + 60 }))],
      fills: [...g.fills!, ...shifted(g.fills!, gap).map((f) => ({ ...f, fill_id: `${f.fill_id}b` }))],
      events: [...g.events!, event(T0 + 330 * S, "run_end"), event(T0 + gap + 330 * S, "run_end")],
    });
    expect(r.runMixing.foreignStreams).toEqual([]);
    expect(r.verdict.notes.join("\n")).not.toMatch(/MIXED RUNS/);
  });

  it("a live run's records outside run.json's start/end: run.json is another run's", async () => {
    const g = goldenFiles();
    const manifest: RunManifest = {
      ...g.manifest!,
      source: { kind: "hyperliquid", clock: "local" },
      started_ts_ms: T0 + 3 * DAY,
      ended_ts_ms: T0 + 3 * DAY + 330 * S,
    };
    const r = await report("live-manifest", { ...g, manifest });
    expect(r.runMixing.foreignStreams.map((f) => f.file)).toEqual(["run.json"]);
    expect(r.runMixing.summary[0]).toMatch(
      /^run\.json does not fit the streams: .* before the live run's start in run\.json/,
    );
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
  });
});
