/** Holes in equity.jsonl (a recording or feed gap): counted, shown, and noted beside the verdict. */
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { renderHtml } from "../src/render-html.js";
import { renderText } from "../src/render-text.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { equity, T0, tempDirs, writeRunDir } from "./run-dir.js";

const criteria = parseCriteria(GOLDEN_CRITERIA);
const tmp = tempDirs("gaps");
const S = 1000;

/** The golden run with 10 minutes without samples that the trader marked as unobserved (paused at T0 + 335 s). */
function filesWithMarkedGap(): ReturnType<typeof goldenFiles> {
  const files = goldenFiles();
  const after = { ...equity(T0 + 930 * S, 10_060), unobserved_since_ms: T0 + 335 * S };
  files.equity = [...(files.equity ?? []), equity(T0 + 335 * S, 10_050), after, equity(T0 + 935 * S, 10_070)];
  return files;
}

describe("equity gaps", () => {
  it("a complete equity stream has no empty buckets and no note", async () => {
    const r = await buildReport(await writeRunDir(await tmp("none"), goldenFiles()), { criteria });
    expect(r.sharpe.emptyBuckets).toBe(0);
    expect(r.sharpe.gaps).toBe(0);
    expect(r.sharpe.longestGapSecs).toBeNull();
    expect(r.verdict.notes.join("\n")).not.toContain("holes");
    expect(renderText(r)).toMatch(/Buckets without equity\s+none/);
  });

  it("10 minutes without samples: 9 empty 60 s buckets in 1 gap, shown and noted (counted as flat)", async () => {
    const files = goldenFiles();
    // samples end at T0 + 330 s (bucket 5); the next is at T0 + 930 s (bucket 15): buckets 6..14 are empty
    files.equity = [...(files.equity ?? []), equity(T0 + 930 * S, 10_060), equity(T0 + 935 * S, 10_070)];
    const r = await buildReport(await writeRunDir(await tmp("gap"), files), { criteria });
    expect(r.sharpe.emptyBuckets).toBe(9);
    expect(r.sharpe.gaps).toBe(1);
    expect(r.sharpe.longestGapSecs).toBe(600);
    expect(r.sharpe.longestGapStartTsMs).toBe(T0 + 330 * S);
    // the "all" window counts the 9 flat buckets: closed buckets 0..14
    const all = r.sharpe.windows.find((w) => w.window === "all")!;
    expect(all.n).toBe(15);
    const note = r.verdict.notes.find((n) => n.startsWith("Equity has holes"));
    expect(note).toContain("9 in 1 gap(s); longest");
    expect(note).toContain("60.0% of the 15 Sharpe buckets");
    expect(note).toContain("--since/--until");
    const text = renderText(r);
    expect(text).toMatch(/Buckets without equity\s+9 in 1 gap\(s\)/);
    expect(text).toContain("(counted as flat: zero-return buckets)");
    expect(renderHtml(r)).toContain("buckets without equity: 9 in 1 gap(s)");
  });

  it("a gap the trader marked as unobserved is left out of the Sharpe, not counted flat", async () => {
    const files = filesWithMarkedGap();
    const r = await buildReport(await writeRunDir(await tmp("unobserved"), files), { criteria });
    expect(r.sharpe.emptyBuckets).toBe(0);
    expect(r.sharpe.gaps).toBe(0);
    expect(r.sharpe.unobservedBuckets).toBe(9);
    expect(r.sharpe.unobservedGaps).toBe(1);
    // closed buckets 0..5 only (bucket 5 closes on resuming; 6..14 skipped; 15 is still open)
    const all = r.sharpe.windows.find((w) => w.window === "all")!;
    expect(all.n).toBe(6);
    expect(r.verdict.notes.join("\n")).not.toContain("holes");
    const text = renderText(r);
    expect(text).toMatch(/Buckets without equity\s+none/);
    expect(text).toMatch(/No market data\s+9 bucket\(s\) left out, in 1 gap\(s\)/);
    expect(renderHtml(r)).toContain("without market data (left out");
  });

  it("a --since window starting inside a marked gap counts no gap (its first sample has none before it)", async () => {
    const files = filesWithMarkedGap();
    const r = await buildReport(await writeRunDir(await tmp("since-in-gap"), files), {
      criteria,
      timeRange: { sinceMs: T0 + 600 * S, untilMs: null },
    });
    expect(r.sharpe.unobservedGaps).toBe(0);
    expect(r.sharpe.unobservedBuckets).toBe(0);
  });
});
