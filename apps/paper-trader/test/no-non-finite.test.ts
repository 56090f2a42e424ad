import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PaperTraderConfigInput } from "../src/config.js";
import { BINANCE_SAMPLE, HL_SAMPLE, runInProcess, tempDir } from "./helpers.js";

/** `file: token` for every NaN/Infinity/undefined token in the run's files (any spelling a reader could trip on). */
function nonFiniteTokens(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const m = readFileSync(join(dir, f), "utf8").match(/NaN|Infinity|undefined/g);
    if (m) out.push(`${f}: ${[...new Set(m)].join(", ")}`);
  }
  return out;
}

describe("outputs of runs with few or no fills hold no NaN, Infinity or undefined", () => {
  it.each<[string, PaperTraderConfigInput]>([
    [
      "the real Binance sample (no fill at the venue's 2 bps maker fee)",
      { source: "replay", input: BINANCE_SAMPLE },
    ],
    [
      "the real Hyperliquid sample (25 s: no Sharpe bucket closed, no fill)",
      { source: "replay", input: HL_SAMPLE },
    ],
    ["a 5 s synthetic run (one fill, no bucket closed)", { durationSec: 5 }],
  ])("%s: every file, checkpoint.json included, and the report", async (_what, input) => {
    const dir = tempDir();
    const r = await runInProcess({ ...input, outputDir: dir });
    expect(r.stopReason).toMatch(/^(end of data|duration reached)/);
    expect(readdirSync(dir)).toContain("checkpoint.json");
    expect(nonFiniteTokens(dir)).toEqual([]);
    expect(r.report.join("\n")).not.toMatch(/NaN|Infinity|undefined/);
  });
});
