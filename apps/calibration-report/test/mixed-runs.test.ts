/** A directory whose streams interleave two runs (two traders on one --output-dir) is never GO. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { main } from "../src/main.js";
import { renderHtml } from "../src/render-html.js";
import { renderText } from "../src/render-text.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { equity, event, fill, type RunFiles, T0, tempDirs, writeRunDir } from "./run-dir.js";

const S = 1000;
const criteria = parseCriteria(GOLDEN_CRITERIA);

const tmp = tempDirs("mixed");

function capture() {
  const out: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: () => {} }, out };
}

/** Two copies of the golden run written at once: each stream holds A's first records, then B's, then A's rest. */
function concurrentRuns(): RunFiles {
  const a = goldenFiles();
  const b = goldenFiles();
  const mix = <T>(x: T[], y: T[], cut: number): T[] => [...x.slice(0, cut), ...y, ...x.slice(cut)];
  return {
    ...a,
    equity: mix(a.equity!, b.equity!, 4), // B's t0 sample on line 5, A resumes at t0+270 s on line 12
    fills: mix(a.fills!, b.fills!, 2), // B's f1 on line 3 after A's f2; A's f3 on line 7 after B's f4
    events: [a.events![0]!, b.events![0]!, ...a.events!.slice(1)],
  };
}

describe("mixed runs", () => {
  it("the golden run alone is GO and clean (baseline)", async () => {
    const r = await buildReport(await writeRunDir(await tmp("one"), goldenFiles()), { criteria });
    expect(r.verdict.overall).toBe("GO");
    expect(r.runMixing.detected).toBe(false);
    expect(r.runMixing.runStarts).toBe(1);
    expect(r.issueCount).toBe(0);
  });

  it("two runs interleaved: warned with file:line, counted as issues, INSUFFICIENT DATA (exit 3)", async () => {
    const dir = await writeRunDir(await tmp("two"), concurrentRuns());
    const r = await buildReport(dir, { criteria });
    expect(r.runMixing.detected).toBe(true);
    expect(r.runMixing.runStarts).toBe(2);
    expect(r.runMixing.timeRegressions).toEqual([
      { stream: "equity", count: 2, maxBackMs: 150 * S },
      { stream: "fills", count: 2, maxBackMs: 60 * S },
    ]);
    expect(r.runMixing.fillIdRestarts).toBe(2);
    const loc = r.issues.map((i) => i.location);
    expect(loc).toContain(`${join(dir, "events.jsonl")}:2`);
    expect(loc).toContain(`${join(dir, "equity.jsonl")}:5`);
    expect(loc).toContain(`${join(dir, "fills.jsonl")}:3`);
    expect(loc).toContain(`${join(dir, "equity.jsonl")}:12`);
    expect(loc).toContain(`${join(dir, "fills.jsonl")}:7`);
    expect(r.issueCount).toBe(7); // 1 run start + 2 + 2 jumps back in time + 2 fill-id restarts
    expect(
      r.issues.find((i) => i.location.endsWith("fills.jsonl:3") && /fill_id/.test(i.reason))!.reason,
    ).toMatch(/fill_id f1 after f2/);
    // every criterion passes on the doubled data, yet there is no GO
    expect(r.verdict.criteria.every((c) => c.status === "PASS")).toBe(true);
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
    expect(r.verdict.exitCode).toBe(3);
    const notes = r.verdict.notes.join("\n");
    expect(notes).toMatch(/MIXED RUNS/);
    expect(notes).toMatch(/events\.jsonl: 2 run starts, at lines 1, 2/);
    expect(notes).toMatch(/equity\.jsonl: time goes back 2x, at lines 5, 12/);
    expect(notes).toMatch(/fills\.jsonl: fill_id restarts 2x, at lines 3, 7/);
    expect(notes).not.toMatch(/malformed/);

    const text = renderText(r);
    expect(text).toMatch(/VERDICT: INSUFFICIENT DATA {2}\(exit 3\)/);
    expect(text).toMatch(/WARNING: MIXED RUNS/);
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(72);
    expect(renderHtml(r)).toMatch(/MIXED RUNS/);

    expect(
      await main(
        [dir, "--min-fills", "4", "--min-sharpe-samples", "5", "--min-predictions", "10", "-q"],
        capture().io,
      ),
    ).toBe(3);
  });

  it("a FAIL on mixed data is not a NO-GO either: no verdict", async () => {
    const files = concurrentRuns();
    files.equity = files.equity!.map((e) => (e.ts_ms === T0 + 150 * S ? equity(e.ts_ms, 9_500) : e));
    const r = await buildReport(await writeRunDir(await tmp("fail"), files), { criteria });
    expect(r.verdict.criteria.find((c) => c.id === "drawdown")!.status).toBe("FAIL");
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
    expect(r.verdict.notes.join("\n")).toMatch(/\(On the mixed data: drawdown failed\.\)/);
  });

  it("a second run start alone is enough; lines are counted past malformed and blank lines", async () => {
    const files = goldenFiles();
    files.events = [event(T0, "run_start"), event(T0 + 160 * S, "kill_switch", "normal", "reduce_only", "x")];
    const dir = await writeRunDir(await tmp("starts"), files);
    // line 2 garbage, line 3 blank, line 4 a schema-invalid run_start (ignored), line 6 a second run start
    await writeFile(
      join(dir, "events.jsonl"),
      [
        JSON.stringify(event(T0, "run_start")),
        "{garbage",
        "",
        JSON.stringify({ schema_version: 1, ts_ms: T0, kind: "run_start" }),
        JSON.stringify(event(T0 + 160 * S, "kill_switch", "normal", "reduce_only", "x")),
        JSON.stringify(event(T0 + 170 * S, "run_start")),
        "",
      ].join("\n"),
    );
    const r = await buildReport(dir, { criteria });
    expect(r.runMixing.runStarts).toBe(2);
    expect(r.runMixing.timeRegressions).toEqual([]);
    expect(r.runMixing.fillIdRestarts).toBe(0);
    expect(r.issues.map((i) => i.location)).toEqual([
      `${join(dir, "events.jsonl")}:2`,
      `${join(dir, "events.jsonl")}:4`,
      `${join(dir, "events.jsonl")}:6`,
    ]);
    expect(r.verdict.notes.join("\n")).toMatch(/events\.jsonl: 2 run starts, at lines 1, 6/);
    expect(r.verdict.notes.join("\n")).toMatch(/2 malformed line\(s\) skipped/);
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
  });

  it("finds a jump back across rotated parts and names the part", async () => {
    const files = goldenFiles();
    delete files.equity;
    const dir = await writeRunDir(await tmp("rotated"), files);
    const lines = (recs: ReturnType<typeof equity>[]): string =>
      recs.map((e) => `${JSON.stringify(e)}\n`).join("");
    // part 1: t0, t0+30 s, t0+90 s; part 2: t0+150 s, then a second run's t0; current: t0+210 s ..
    await writeFile(
      join(dir, "equity.1.jsonl"),
      lines([equity(T0, 10_000), equity(T0 + 30 * S, 10_010), equity(T0 + 90 * S, 10_030)]),
    );
    await writeFile(join(dir, "equity.2.jsonl"), lines([equity(T0 + 150 * S, 10_020), equity(T0, 10_000)]));
    await writeFile(
      join(dir, "equity.jsonl"),
      lines([equity(T0 + 210 * S, 10_050), equity(T0 + 270 * S, 10_060)]),
    );
    const r = await buildReport(dir, { criteria });
    expect(r.runMixing.timeRegressions).toEqual([{ stream: "equity", count: 1, maxBackMs: 150 * S }]);
    expect(r.issues.map((i) => i.location)).toEqual([`${join(dir, "equity.2.jsonl")}:2`]);
    expect(r.verdict.notes.join("\n")).toMatch(
      /equity\.jsonl: time goes back 1x, at line equity\.2\.jsonl:2/,
    );
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
  });

  it("fill ids restarting flag a second run even when its times interleave in order", async () => {
    const files = goldenFiles();
    files.fills = [
      fill(T0 + 20 * S, 1, "buy", 60_000, 0.01, 0.12, 1),
      fill(T0 + 80 * S, 2, "sell", 60_010, 0.02, 0.24, 1),
      fill(T0 + 90 * S, 1, "buy", 60_000, 0.01, 0.12, 1), // another run's f1, later in time
      fill(T0 + 140 * S, 3, "buy", 59_990, 0.01, 0.12, 2),
      fill(T0 + 200 * S, 4, "sell", 60_020, 0.005, 0.06, 2),
    ];
    const r = await buildReport(await writeRunDir(await tmp("ids"), files), { criteria });
    expect(r.runMixing.timeRegressions).toEqual([]);
    expect(r.runMixing.fillIdRestarts).toBe(1);
    expect(r.issues.map((i) => i.location.replace(/.*\//, ""))).toEqual(["fills.jsonl:3"]);
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
  });

  it("a time filter does not hide the mixing: it is a property of the files", async () => {
    const dir = await writeRunDir(await tmp("since"), concurrentRuns());
    const r = await buildReport(dir, { criteria, timeRange: { sinceMs: T0 + 60 * S, untilMs: null } });
    expect(r.runMixing.detected).toBe(true);
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
  });

  it("small jumps back within the tolerance (1 s) and a continued (resumed) run stay GO", async () => {
    const files = goldenFiles();
    // the trader's resume truncates to the checkpoint and continues: one run start, a run end, times in order
    files.events = [event(T0, "run_start"), ...files.events!.slice(1), event(T0 + 330 * S, "run_end")];
    files.fills = [
      fill(T0 + 20 * S, 1, "buy", 60_000, 0.01, 0.12, 1),
      fill(T0 + 80 * S, 2, "sell", 60_010, 0.02, 0.24, 1),
      fill(T0 + 80 * S - 900, 3, "buy", 59_990, 0.01, 0.12, 2), // 0.9 s back: within tolerance
      fill(T0 + 200 * S, 4, "sell", 60_020, 0.005, 0.06, 2),
    ];
    const dir = await writeRunDir(await tmp("tolerance"), files);
    const r = await buildReport(dir, { criteria });
    expect(r.runMixing.detected).toBe(false);
    expect(r.verdict.overall).toBe("GO");
    const strict = await buildReport(dir, { criteria, orderToleranceMs: 500 });
    expect(strict.runMixing.timeRegressions).toEqual([{ stream: "fills", count: 1, maxBackMs: 900 }]);
    expect(strict.verdict.overall).toBe("INSUFFICIENT DATA");
    // the report file is read, not rewritten
    expect(await readFile(join(dir, "events.jsonl"), "utf8")).toMatch(/run_end/);
  });
});
