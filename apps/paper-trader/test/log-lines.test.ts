import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { runPaperTrader } from "../src/run.js";
import { tempDir } from "./helpers.js";

/** Run in process with an info logger whose JSON lines are collected; returns the messages. */
async function logMessages(durationSec: number): Promise<string[]> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString("utf8").split("\n"))
        if (l) lines.push((JSON.parse(l) as { msg: string }).msg);
      done();
    },
  });
  await runPaperTrader(parseConfig({ durationSec, seed: 3, outputDir: tempDir(), logLevel: "info" }), {
    logger: pino({ level: "info" }, sink),
    print: () => {},
    handleSignals: false,
  });
  return lines;
}

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
