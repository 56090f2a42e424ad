import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { runPaperTrader } from "../src/run.js";
import { runLiveWithLead, startFakeBinance, startFakeVenue } from "./fake-venues.js";
import { expectLeadOnlyInLeadLag, tempDir } from "./helpers.js";
import { boundMetricsPort, pollMetrics } from "./metrics-scrape.js";

describe("live mode with the Binance lead feed (--binance-lead), both venues local", () => {
  it("lead frames delivered 4 s late count as 4 s old: the staleness metric and the report say so", async () => {
    const startMs = Date.now();
    const venue = await startFakeVenue(20);
    // on time for 1.5 s, then every frame's content 4 s old on arrival
    const binance = await startFakeBinance(10, () => (Date.now() - startMs > 1500 ? 4000 : 0));
    const dir = tempDir();
    const bound = boundMetricsPort();
    const metrics = pollMetrics(bound.port, 200);
    try {
      const result = await runPaperTrader(
        parseConfig({
          source: "hyperliquid",
          asset: "BTC",
          hyperliquidUrl: venue.url,
          binanceLead: true,
          binanceUrl: binance.url,
          durationSec: 4,
          outputDir: dir,
          metricsPort: 0,
        }),
        { logger: bound.logger, print: () => {}, handleSignals: false },
      );
      expect(result.stopReason).toMatch(/duration reached/);
      const line = result.report.find((l) => l.startsWith("Lead delivery: "));
      expect(line).toMatch(/^Lead delivery: \d+ of \d+ frame\(s\) more than 1 s late \(max 4\.\d s\)/);
      // received a few ms ago, but its content is 4 s old
      const age = Number(/^mmkit_lead_feed_staleness_seconds (\S+)/m.exec(metrics.text)?.[1]);
      expect(age).toBeGreaterThan(3.9);
      expect(age).toBeLessThan(6);
      const cp = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as {
        lead_delay?: { lateFrames: number };
      };
      expect(cp.lead_delay?.lateFrames).toBeGreaterThan(0);
    } finally {
      metrics.stop();
      await venue.close();
      await binance.close();
    }
  }, 60_000);

  it("subscribes the mapped Binance symbol, feeds LeadLag only, and leaves the traded book alone", async () => {
    const dir = tempDir();
    const { result, binancePaths } = await runLiveWithLead({ outputDir: dir });
    expect(result.stopReason).toMatch(/duration reached/);
    // BTC → BTCUSDT, top of book only.
    expect(binancePaths).toEqual(["/stream?streams=btcusdt@bookTicker"]);
    const manifest = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as {
      source: { lead?: { kind: string; symbol: string } };
    };
    expect(manifest.source.lead).toMatchObject({ kind: "binance", symbol: "BTCUSDT" });
    const feedLine = result.report.find((l) => l.startsWith("Feed: "))!;
    expect(feedLine).toMatch(/; lead binance:BTCUSDT .*bbo=[1-9]/);
    // The Binance sample trades at ~61.8k, the Hyperliquid one at ~105k: the paper exchange's
    // book (every prediction's mid) only ever saw Hyperliquid.
    expectLeadOnlyInLeadLag(dir, (m) => m > 100_000);
  }, 60_000);
});
