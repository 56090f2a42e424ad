import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { runPaperTrader } from "../src/run.js";
import { tempDir } from "./helpers.js";

/** Run in process with an info logger whose JSON lines are collected; returns the messages. */
async function logMessages(
  durationSec: number,
  outputDir = tempDir(),
  more: Record<string, unknown> = {},
): Promise<string[]> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString("utf8").split("\n"))
        if (l) lines.push((JSON.parse(l) as { msg: string }).msg);
      done();
    },
  });
  await runPaperTrader(parseConfig({ durationSec, seed: 3, outputDir, logLevel: "info", ...more }), {
    logger: pino({ level: "info" }, sink),
    print: () => {},
    handleSignals: false,
  });
  return lines;
}

describe("[CONFIG] warns about a ladder that leaves the price range", () => {
  it("20 levels at ratio 5 (level 20 at ~5e13 bps) is warned about; the default ladder is not", async () => {
    const steep = await logMessages(5, tempDir(), { ladderLevels: 20, ladderRatio: 5 });
    expect(
      steep.some((m) =>
        /^\[CONFIG\] ladder: level 20 would sit at least ~5\.\d\de\+13 bps from the mid/.test(m),
      ),
    ).toBe(true);
    const plain = await logMessages(5);
    expect(plain.some((m) => m.startsWith("[CONFIG] ladder:"))).toBe(false);
  });
});

describe("signal_contributions.jsonl agrees with the trace", () => {
  it("total_spread_mult is the multiplier this cycle's quotes got: (glft + signal adj) / glft", async () => {
    const dir = tempDir();
    const msgs = await logMessages(3600, dir);
    const glft = new Map<number, { base: number; adj: number }>();
    for (const m of msgs) {
      const g = /cycle=(\d+) phase=glft glft_base_bps=([\d.]+) .*signal_spread_adj_bps=(-?[\d.]+)/.exec(m);
      if (g) glft.set(Number(g[1]), { base: Number(g[2]), adj: Number(g[3]) });
    }
    const records = readFileSync(join(dir, "signal_contributions.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { cycle_id: number; total_spread_mult: number });
    let compared = 0;
    for (const r of records) {
      const g = glft.get(r.cycle_id);
      if (g === undefined || g.adj === 0) continue;
      expect(r.total_spread_mult).toBeCloseTo((g.base + g.adj) / g.base, 3);
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  }, 120_000);
});

describe("the log lines users grep for", () => {
  it("every tag appears, and the trace says what rests on the book next to what the ladder wanted", async () => {
    const msgs = await logMessages(600);
    for (const tag of [
      "[SPREAD TRACE]",
      "[SIGNALS]",
      "[FILL PNL]",
      "[WARMUP]",
      "[PNL SUMMARY]",
      "[ANALYTICS]",
    ])
      expect(
        msgs.some((m) => m.startsWith(tag)),
        tag,
      ).toBe(true);
    const depths = msgs.filter((m) => m.includes("phase=glft_depths"));
    const resting = msgs.filter((m) => m.includes("phase=resting"));
    expect(resting.length).toBe(depths.length);
    for (const [i, r] of resting.entries()) {
      const cycle = /cycle=(\d+)/.exec(depths[i]!)![1];
      expect(r).toMatch(
        new RegExp(
          `^\\[SPREAD TRACE\\] cycle=${cycle} phase=resting bid_bps=(none|-?\\d+\\.\\d{4}) ask_bps=(none|-?\\d+\\.\\d{4}) requote_threshold_bps=0\\.5$`,
        ),
      );
    }
  }, 120_000);
});
