/** Records whose ts_ms cannot be a time (unit mix-ups, outside the JS date range): flagged, skipped, no crash. */
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { MAX_PLAUSIBLE_TS_MS, plausibleTime } from "../src/read-context.js";
import { parseCriteria } from "../src/criteria.js";
import { fmtTs } from "../src/format.js";
import { main } from "../src/main.js";
import { renderHtml } from "../src/render-html.js";
import { renderText } from "../src/render-text.js";
import { parseTimeBound } from "../src/time-range.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { equity, T0, tempDirs, writeRunDir } from "./run-dir.js";

const criteria = parseCriteria(GOLDEN_CRITERIA);
const quiet = { stdout: () => {}, stderr: () => {} };
const tmp = tempDirs("badtime");

const lineCount = async (path: string): Promise<number> =>
  (await readFile(path, "utf8")).trimEnd().split("\n").length;

describe("implausible record times", () => {
  it("an event at ts_ms 1e17 (outside the JS date range) is flagged at file:line; the report renders", async () => {
    const base = await buildReport(await writeRunDir(await tmp("base"), goldenFiles()), { criteria });
    const dir = await writeRunDir(await tmp("ev"), goldenFiles());
    const events = join(dir, "events.jsonl");
    await appendFile(events, '{"schema_version":1,"ts_ms":1e17,"timestamp_ns":1e23,"kind":"note"}\n');
    const line = await lineCount(events);

    const r = await buildReport(dir, { criteria });
    const issue = r.issues.find((i) => i.location === `${events}:${line}`);
    expect(issue?.reason).toMatch(/implausible time: ts_ms 100000000000000000 .*record skipped/);
    expect(r.inputs.find((f) => f.stream === "events")!.badLines).toBe(1);
    // the record is not used: span, events and the verdict are those of the run without it
    expect(r.summary.endTsMs).toBe(base.summary.endTsMs);
    expect(r.events.total).toBe(base.events.total);
    expect(r.verdict.overall).toBe(base.verdict.overall);
    expect(r.verdict.notes).toContain("1 malformed line(s) skipped (see Inputs).");
    // the text wraps at 72 columns (a long temporary path can split the phrase): read it unwrapped
    expect(renderText(r).replace(/\n +/g, " ")).toContain("implausible time");
    expect(renderHtml(r)).toContain("implausible time");

    const out = join(await tmp("json"), "o.json");
    // the CLI (default criteria) writes the JSON and exits with the verdict's code, not 2
    const byDefault = await buildReport(dir);
    expect(await main([dir, "--json", out, "-q"], quiet)).toBe(byDefault.verdict.exitCode);
    expect([0, 1, 3]).toContain(byDefault.verdict.exitCode);
    expect(JSON.parse(await readFile(out, "utf8")).issueCount).toBe(r.issueCount);
  });

  it("an equity sample in µs (1e15 ms later) is skipped: no hang, no mixed-run finding, same figures", async () => {
    const base = await buildReport(await writeRunDir(await tmp("base2"), goldenFiles()), { criteria });
    const files = goldenFiles();
    // a µs time between two samples (the next sample then looks 1.7e15 ms earlier)
    files.equity = [...files.equity!.slice(0, 3), equity(T0 * 1000, 10_030), ...files.equity!.slice(3)];
    const dir = await writeRunDir(await tmp("eq"), files);
    const start = performance.now();
    const r = await buildReport(dir, { criteria });
    expect(performance.now() - start).toBeLessThan(5000);
    expect(r.runMixing.detected).toBe(false);
    expect(r.issues.map((i) => i.location)).toContain(`${join(dir, "equity.jsonl")}:4`);
    expect(r.sharpe.windows).toEqual(base.sharpe.windows);
    expect(r.summary.spanSecs).toBe(base.summary.spanSecs);
    expect(r.verdict.overall).toBe(base.verdict.overall);
  });

  it("the bounds: 1970-01-01 .. 9999-12-31T23:59:59.999Z", () => {
    expect(MAX_PLAUSIBLE_TS_MS).toBe(Date.parse("9999-12-31T23:59:59.999Z"));
    expect([0, T0, MAX_PLAUSIBLE_TS_MS].every(plausibleTime)).toBe(true);
    expect([-1, MAX_PLAUSIBLE_TS_MS + 1, T0 * 1000, T0 * 1e6, 1e17].some(plausibleTime)).toBe(false);
  });

  it("times outside the JS date range format as n/a with the raw number, and are refused as bounds", () => {
    expect(fmtTs(1e17)).toBe("n/a (ts_ms 100000000000000000)");
    expect(fmtTs(-8.64e15 - 1)).toMatch(/^n\/a \(ts_ms /);
    expect(fmtTs(8.64e15)).toBe("+275760-09-13T00:00:00Z");
    expect(() => parseTimeBound("100000000000000000", "--since")).toThrow(
      /--since: .*outside the JS date range/,
    );
  });
});

describe("malformed-line note", () => {
  it("counts only the bad lines of the Inputs table, not other issues", async () => {
    const files = goldenFiles();
    // a non-positive first equity stops the Sharpe tracker: an issue, but no malformed line
    files.equity = [equity(T0, 0), ...files.equity!.slice(1)];
    const dir = await writeRunDir(await tmp("nonpos"), files);
    const r = await buildReport(dir, { criteria });
    expect(r.issues.some((i) => /Sharpe not computable/.test(i.reason))).toBe(true);
    expect(r.inputs.every((f) => f.badLines === 0)).toBe(true);
    expect(r.verdict.notes.join("\n")).not.toMatch(/malformed/);
    await writeFile(join(dir, "fills.jsonl"), "{not json\n", { flag: "a" });
    const r2 = await buildReport(dir, { criteria });
    expect(r2.verdict.notes).toContain("1 malformed line(s) skipped (see Inputs).");
  });
});
