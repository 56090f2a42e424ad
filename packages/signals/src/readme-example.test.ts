// The README's lead–lag example, run as a test so it cannot rot: the code between the markers
// below must contain every line of the README's example block (checked at the end).
import { readFileSync } from "node:fs";
import type { Fill, MarketEvent } from "@mmkit/core";
import { SyntheticMarket } from "@mmkit/exchange";
import { expect, it } from "vitest";
import { readmeTsBlock } from "../../../readme-example.js";
import { LeadLagSignal, SignalStack, type SignalStackState } from "./index.js";

/** The lines of the README's ```ts block that follows `heading` (blank and import lines dropped). */
function readmeBlockLines(heading: string): string[] {
  return readmeTsBlock(new URL("../README.md", import.meta.url), heading)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("import "));
}

/** The code between `// --- <name> start ---` and `// --- <name> end ---` in this file. */
function exampleSource(name: string): string {
  const source = readFileSync(new URL(import.meta.url), "utf8");
  return source.slice(source.indexOf(`// --- ${name} start ---`), source.indexOf(`// --- ${name} end ---`));
}

it("README usage example runs and matches the README", () => {
  // --- usage start ---
  const market = new SyntheticMarket({ seed: 42, durationSec: 900 });
  const stack = new SignalStack({ clock: "exchange" }); // own book; see "Shared book" below
  let lastCycleMs = Number.NEGATIVE_INFINITY;
  for (const ev of market.events()) {
    stack.onMarketEvent(ev); // snapshot / delta / bbo / trade
    if (ev.exchangeTsMs - lastCycleMs < 1000) continue; // one quote cycle per second here
    lastCycleMs = ev.exchangeTsMs;
    const { effect, record, adjustments } = stack.cycle({
      tsMs: ev.exchangeTsMs,
      baseHalfSpreadBps: 3.2, // the engine's current GLFT half-spread (RL multiplier → bps)
      inventoryFrac: 0.1, // position / limit
      pnlQuote: 12.5, // cumulative mark-to-market PnL (RL reward)
      notionalQuote: 10_000,
      estimatorConfidence: 0.8, // e.g. κ fit quality (a warm-up component)
    });
    // effect → quote engine; record → signal_contributions.jsonl; stack.warmupLogLine() → [WARMUP]
    expect(record.cycleId).toBeGreaterThan(0);
    expect(Number.isFinite(effect.spreadAdjBps)).toBe(true);
    expect(adjustments.length).toBeGreaterThan(0);
  }
  const mid = stack.book.mid();
  const fill: Fill = {
    orderId: "o1",
    side: "buy",
    price: mid - 1,
    size: 0.001,
    feeQuote: 0,
    liquidity: "maker",
    tsMs: lastCycleMs,
    midAtFill: mid,
  };
  stack.onOwnFill(fill); // counts for warm-up, schedules a 5 s markout → AlphaKappa
  const checkpoint = JSON.stringify(stack.getState()); // later: stack.setState(JSON.parse(checkpoint))
  // --- usage end ---

  expect(mid).toBeGreaterThan(0);
  expect(stack.warmup.counts().fills).toBe(1);
  expect(stack.warmupLogLine()).toMatch(/^\[WARMUP\] progress=100% /);
  const restored = new SignalStack({ clock: "exchange" });
  restored.setState(JSON.parse(checkpoint) as SignalStackState);
  expect(JSON.stringify(restored.getState())).toBe(checkpoint);

  const readmeLines = readmeBlockLines("## Usage");
  expect(readmeLines.length).toBeGreaterThan(15);
  const example = exampleSource("usage");
  for (const line of readmeLines) expect(example).toContain(line);
});

it("README lead–lag example runs and matches the README", () => {
  const nowMs = 1_700_000_000_000;
  const tsMs = nowMs;
  const refMid = 50_010;
  const localMid = 50_000;
  const quote = (t: number, mid: number): MarketEvent => ({
    type: "bbo",
    exchangeTsMs: t,
    localTsMs: t,
    bbo: { bidPrice: mid - 0.5, bidSize: 1, askPrice: mid + 0.5, askSize: 1 },
  });
  const hlEvent = quote(nowMs - 20, localMid);
  const binanceEvent = quote(nowMs - 10, refMid);

  // --- example start ---
  // In the stack (the paper trader's --binance-lead): local venue = Hyperliquid, reference = Binance.
  const stack = new SignalStack({ clock: "local", leadLag: { enabled: true } });
  stack.onMarketEvent(hlEvent); // local book events also feed the local mid
  stack.onReferenceEvent(binanceEvent); // same instrument, same clock
  const { adjustments } = stack.cycle({ tsMs: nowMs });
  const lead = adjustments[adjustments.length - 1]!; // "LeadLag", always last when enabled

  // Alone: two mids in, a bounded skew out.
  const ll = new LeadLagSignal({ horizonMs: 2000, maxSkewBps: 3 });
  ll.onReferenceMid(tsMs, refMid);
  ll.onLocalMid(tsMs, localMid);
  ll.advance(tsMs); // every cycle: samples the elapsed 100 ms grid instants
  const adj = ll.adjustment(tsMs); // skew = clamp(β̂·d, ±3 bps) once β̂ is significant
  const forLogs = { d: ll.deviationBps, beta: ll.beta, t: ll.tStat, refAgeMs: ll.referenceAgeMs(tsMs) };
  // --- example end ---

  expect(adjustments).toHaveLength(6);
  expect(lead.name).toBe("LeadLag");
  expect(lead.active).toBe(false); // the stack is still warming up
  expect(lead.note).toMatch(/^warmup \d+%$/);
  expect(adj.name).toBe("LeadLag");
  expect(adj.active).toBe(false);
  expect(adj.note).toBe("warm-up 0/300");
  expect(forLogs).toEqual({ d: 0, beta: 0, t: 0, refAgeMs: 0 });

  const readmeLines = readmeBlockLines("### Lead–lag example");
  const example = exampleSource("example");
  expect(readmeLines.length).toBeGreaterThan(8);
  for (const line of readmeLines) expect(example).toContain(line);
});
