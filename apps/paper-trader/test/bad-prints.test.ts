import { describe, expect, it } from "vitest";
import { BINANCE_SAMPLE, captureLines, editCaptureLine, HL_SAMPLE, replayCaptureLines } from "./helpers.js";

/** `lines` with the `at`-th line's JSON changed by `edit` (its receive time kept). */
function withEdited(lines: string[], at: number, edit: (msg: Record<string, unknown>) => void): string[] {
  const out = [...lines];
  out[at] = editCaptureLine(out[at]!, edit);
  return out;
}

describe("a print at price 0 (or of size 0) in a replayed capture", () => {
  it.each([
    [
      'Binance `@trade` with p:"0"',
      () => {
        const lines = captureLines(BINANCE_SAMPLE).slice(0, 12_000);
        const at = lines.findIndex((l, i) => i > 8000 && l.includes('"e":"trade"'));
        return withEdited(lines, at, (m) => {
          (m["data"] as Record<string, unknown>)["p"] = "0";
        });
      },
      'p: trade price must be finite and > 0, got \\"0\\"',
      1,
    ],
    [
      'Hyperliquid `trades` of one print, of sz "0"',
      () => {
        const lines = captureLines(HL_SAMPLE);
        const trades = lines.flatMap((l, i) => (l.includes('"channel":"trades"') ? [i] : []));
        return withEdited(lines, trades.at(-1)!, (m) => {
          (m["data"] as Record<string, unknown>[])[0]!["sz"] = "0.0";
        });
      },
      'sz: trade size must be finite and > 0, got \\"0.0\\"',
      1,
    ],
  ])(
    "%s: the frame is a bad line (skipped, counted, warned) and the run completes",
    async (_what, make, warning, invalid) => {
      const { feed, logs } = await replayCaptureLines(make());
      expect(feed).toContain(` invalid=${invalid} `);
      const bad = logs.filter((l) => l.msg.includes("replay: bad line skipped"));
      expect(bad.length, JSON.stringify(logs.map((l) => l.msg))).toBeGreaterThan(0);
      expect(JSON.stringify(bad[0])).toContain(warning);
    },
  );
});

describe("a print at price 0 among others in a Hyperliquid `trades` frame (a batch of many takers' prints)", () => {
  it("is dropped, counted and warned; the frame's other prints are replayed", async () => {
    const lines = captureLines(HL_SAMPLE);
    // the sample's 21-print frame: 21 takers (distinct hashes) hitting one bid in one millisecond
    const at = lines.findIndex((l) => l.includes('"channel":"trades"') && l.split('"px"').length - 1 === 21);
    expect(at).toBeGreaterThan(0);
    const run = (edited: boolean): ReturnType<typeof replayCaptureLines> =>
      replayCaptureLines(
        edited
          ? withEdited(lines, at, (m) => {
              (m["data"] as Record<string, unknown>[])[0]!["px"] = "0";
            })
          : lines,
      );
    const clean = await run(false);
    const edited = await run(true);
    const count = (feed: string, key: string): number =>
      Number(new RegExp(`[ (]${key}=(\\d+)`).exec(feed)?.[1] ?? 0);
    expect(count(edited.feed, "invalid")).toBe(0);
    expect(count(edited.feed, "badPrintsDropped")).toBe(1);
    expect(count(clean.feed, "badPrintsDropped")).toBe(0);
    // the 20 other prints are replayed (dropping the frame would lose all 21)
    expect(count(edited.feed, "trade")).toBe(count(clean.feed, "trade") - 1);
    expect(count(edited.feed, "mergedPrints")).toBe(count(clean.feed, "mergedPrints"));
    const warned = edited.logs.filter((l) => l.msg.includes("bad print(s) dropped"));
    expect(warned).toHaveLength(1);
    expect(JSON.stringify(warned[0])).toContain('0.px: trade price must be finite and > 0, got \\"0\\"');
  });
});
