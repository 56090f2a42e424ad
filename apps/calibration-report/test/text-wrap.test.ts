/** The terminal report wraps long lines at 72 columns instead of cutting them with "...". */
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { renderText, TEXT_WIDTH, wrap } from "../src/render-text.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { T0, tempDirs, writeRunDir } from "./run-dir.js";

const tmp = tempDirs("wrap");
const cols = (l: string): number => [...l].length;
const squash = (s: string): string => s.replace(/\s+/g, "");

describe("text report wrapping", () => {
  it("keeps every long figure, note, reason and location whole, every line <= 72 columns", async () => {
    const dir = await writeRunDir(await tmp("long"), goldenFiles());
    const r = await buildReport(dir, { criteria: parseCriteria(GOLDEN_CRITERIA) });
    const longDir = `${dir}/${"a-very-long-directory-name-without-spaces-".repeat(3)}run`;
    const note = `WARNING: MIXED RUNS - ${"events.jsonl: 3 run starts, at lines 1, 40, 77, ... ".repeat(3)}end`;
    const reason = `kill switch HALTED: ${"drawdown from peak 3.4% >= haltDrawdownFrac 3% ".repeat(2)}end`;
    const issue = {
      location: `${dir}/fills.jsonl:123456`,
      reason: `schema: ${"field price: expected number ".repeat(4)}`,
    };
    const model = {
      ...r,
      dir: longDir,
      issues: [issue],
      issueCount: 1,
      missing: ["run.json", "predictions.jsonl", "edge_validation.jsonl", "signal_contributions.jsonl"],
      drawdown: { ...r.drawdown, peakTsMs: T0 + 30_123, troughTsMs: T0 + 150_456 },
      events: {
        ...r.events,
        events: [{ tsMs: T0 + 1, kind: "kill_switch", from: "active", to: "halted", reason }],
      },
      verdict: { ...r.verdict, notes: [note, ...r.verdict.notes] },
    };
    const text = renderText(model);
    const lines = text.trimEnd().split("\n");
    for (const l of lines) expect(cols(l), l).toBeLessThanOrEqual(TEXT_WIDTH);
    const flat = squash(text);
    for (const s of [longDir, note, reason, issue.location, issue.reason]) expect(flat).toContain(squash(s));
    // peak -> trough with milliseconds, both whole
    expect(text).toContain("2024-08-09T00:00:30.123Z ->");
    expect(text).toContain("2024-08-09T00:02:30.456Z");
  });

  it("table cells wider than their column widen it: numbers and names are never cut", async () => {
    const r = await buildReport(await writeRunDir(await tmp("wide"), goldenFiles()), {
      criteria: parseCriteria(GOLDEN_CRITERIA),
    });
    const fill = r.calibration.fill[0]!;
    const bin = fill.bins.find((b) => b.count > 0)!;
    const model = {
      ...r,
      calibration: {
        ...r.calibration,
        fill: [{ ...fill, bins: fill.bins.map((b) => (b === bin ? { ...b, count: 1_234_567 } : b)) }],
      },
      sharpe: {
        ...r.sharpe,
        windows: r.sharpe.windows.map((w) => ({ ...w, sharpeAnnualized: 123_456.78 })),
      },
      attribution: {
        ...r.attribution,
        signals: [
          {
            signal: "RegimeDetectionWithALongName",
            activePnlBps: 1,
            inactivePnlBps: 0.5,
            marginalValueBps: 0.5,
            nActive: 10,
            nInactive: 10,
            tStat: 1,
            pValue: 0.3,
            tStatOverlap: 1,
            pValueOverlap: 0.3,
            slopeBpsPerBps: null,
            slopeSe: null,
          },
        ],
      },
    };
    const text = renderText(model);
    for (const l of text.trimEnd().split("\n")) expect(cols(l), l).toBeLessThanOrEqual(TEXT_WIDTH);
    expect(text).toContain("1,234,567");
    expect(text).toContain("123456.78");
    expect(squash(text)).toContain("RegimeDetectionWithALongName");
  });

  it("wrap: breaks at spaces, splits only tokens longer than the line, indents continuations", () => {
    expect(wrap("short")).toEqual(["short"]);
    const words = `  ${"word ".repeat(30).trim()}`;
    const w = wrap(words);
    expect(w.length).toBeGreaterThan(1);
    for (const l of w) expect(l.length).toBeLessThanOrEqual(TEXT_WIDTH);
    for (const l of w.slice(1)) expect(l.startsWith("      word")).toBe(true);
    expect(w.join(" ").replace(/\s+/g, " ").trim()).toBe(words.trim());
    const token = `  ${"x".repeat(200)}`;
    const t = wrap(token);
    expect(t.join("").replace(/\s+/g, "")).toBe("x".repeat(200));
    for (const l of t) expect(l.length).toBeLessThanOrEqual(TEXT_WIDTH);
  });
});
