/** What the readers tell about their inputs: sizes over rotated parts, record times, the time filter, unreadable run.json, kept issues. */
import { appendFile, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { IssueLog } from "../src/inputs.js";
import { RunMixingCheck } from "../src/run-mixing.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { event, fill, T0, tempDirs, writeRunDir } from "./run-dir.js";

const S = 1000;
const criteria = parseCriteria(GOLDEN_CRITERIA);
const tmp = tempDirs("input-summary");

describe("input summaries", () => {
  it("a stream's bytes are those of all its parts; a stream of one record has that record's time as first and last", async () => {
    const files = goldenFiles();
    const dir = await writeRunDir(await tmp("parts"), {
      ...files,
      fills: [fill(T0 + 20 * S, 1, "buy", 60_000, 0.01, 0.12, 1)],
    });
    // equity rotated once: its first half in equity.1.jsonl
    const eq = await readFile(join(dir, "equity.jsonl"), "utf8");
    const lines = eq.trimEnd().split("\n");
    const half = Math.floor(lines.length / 2);
    await writeFile(join(dir, "equity.1.jsonl"), `${lines.slice(0, half).join("\n")}\n`);
    await writeFile(join(dir, "equity.jsonl"), `${lines.slice(half).join("\n")}\n`);
    const size = async (f: string): Promise<number> => (await stat(join(dir, f))).size;
    const r = await buildReport(dir, { criteria });
    const equity = r.inputs.find((i) => i.stream === "equity")!;
    expect(equity.bytes).toBe((await size("equity.1.jsonl")) + (await size("equity.jsonl")));
    expect(equity.bytes).toBe(Buffer.byteLength(eq));
    expect(equity.records).toBe(lines.length);
    const fills = r.inputs.find((i) => i.stream === "fills")!;
    expect([fills.records, fills.firstTsMs, fills.lastTsMs]).toEqual([1, T0 + 20 * S, T0 + 20 * S]);
  });

  it("a run start outside the time filter still counts for the mixing check", async () => {
    const files = goldenFiles();
    const events = [files.events![0]!, event(T0 + 2 * S, "run_start"), ...files.events!.slice(1)];
    const dir = await writeRunDir(await tmp("filter"), { ...files, events });
    const r = await buildReport(dir, { criteria, timeRange: { sinceMs: T0 + 60 * S, untilMs: null } });
    expect(r.runMixing.runStarts).toBe(2);
    expect(r.runMixing.detected).toBe(true);
  });

  it("a run.json that is a symbolic link to nothing is unreadable, not missing", async () => {
    const dir = await writeRunDir(await tmp("dangling"), { ...goldenFiles(), manifest: undefined });
    await symlink(join(dir, "no-such-file.json"), join(dir, "run.json"));
    const r = await buildReport(dir, { criteria });
    expect(r.issues).toContainEqual({
      location: join(dir, "run.json"),
      reason: "unreadable: ENOENT: a symbolic link to nothing",
    });
  });

  it("20 implausible times are located by line; the 21st is counted in one more line", async () => {
    const dir = await writeRunDir(await tmp("times"), goldenFiles());
    const events = join(dir, "events.jsonl");
    const before = (await readFile(events, "utf8")).trimEnd().split("\n").length;
    const bad = '{"schema_version":1,"ts_ms":1e17,"timestamp_ns":1e23,"kind":"note"}\n';
    await appendFile(events, bad.repeat(21));
    const r = await buildReport(dir, { criteria });
    const located = r.issues.filter((i) => i.reason.startsWith("implausible time"));
    expect(located.map((i) => i.location)).toEqual(
      Array.from({ length: 20 }, (_, k) => `${events}:${before + k + 1}`),
    );
    expect(r.issues.filter((i) => i.location === "(more)")).toEqual([
      { location: "(more)", reason: "1 more record(s) with an implausible time skipped" },
    ]);
  });
});

describe("kept findings and issues", () => {
  it("the issue log keeps its first entries and counts them all", () => {
    const log = new IssueLog(2);
    for (const k of [1, 2, 3]) log.add(`f:${k}`, "bad");
    expect(log.issues.map((i) => i.location)).toEqual(["f:1", "f:2"]);
    expect(log.count).toBe(3);
  });

  it("of five run starts, the 2nd to 4th are findings and the summary says there are more", async () => {
    const m = new RunMixingCheck();
    for (let k = 0; k < 5; k++) m.event(event(T0 + k * S, "run_start"), "events.jsonl", k);
    const r = await m.result(new IssueLog());
    expect(r.findings.map((f) => f.reason)).toEqual(
      [2, 3, 4].map((k) => `run start #${k} of 5: another run wrote into this directory`),
    );
    expect(r.summary).toEqual([
      "events.jsonl: 5 run starts, at lines record 1, record 2, record 3, record 4, ...",
    ]);
  });
});
