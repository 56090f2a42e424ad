import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeRecordedEvent, encodeRecordingHeader, openReplay } from "@mmkit/exchange";
import { describe, expect, it } from "vitest";
import { HL_SAMPLE, runInProcess, tempDir } from "./helpers.js";

/** An mmkit recording (header + event lines) of the real Hyperliquid sample, as `source` wrote it. */
function hlRecording(source: string): string {
  const path = join(tempDir(), "hl.mmkit.jsonl");
  const events = [...openReplay(HL_SAMPLE, { clock: "exchange" }).events()];
  const lines = [
    encodeRecordingHeader(source, 1_737_918_843_000),
    ...events.map((e) => encodeRecordedEvent(e, source)),
  ];
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

describe("replay of an mmkit recording", () => {
  it("takes the instrument and venue from the header: run.json names the coin, quotes use Hyperliquid's rules", async () => {
    const input = hlRecording("hyperliquid:BTC");
    const dir = tempDir();
    await runInProcess({ source: "replay", input, outputDir: dir, durationSec: 3600 });
    const manifest = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as {
      source: { format: string; instrument: string };
    };
    expect(manifest.source).toMatchObject({ format: "recording", instrument: "BTC" });
    // Hyperliquid BTC at ~105k: whole-dollar prices (5 significant figures, integers allowed).
    const prices = readFileSync(join(dir, "predictions.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { price: number }).price);
    expect(prices.length).toBeGreaterThan(0);
    for (const p of prices) expect(Number.isInteger(p)).toBe(true);
  });

  it("refuses an --asset the recording does not hold, naming what it holds", async () => {
    const input = hlRecording("hyperliquid:BTC");
    await expect(
      runInProcess({ source: "replay", input, asset: "ETH", outputDir: tempDir() }),
    ).rejects.toThrow(/--asset ETH: .* is a recording of hyperliquid:BTC/);
  });
});
