/**
 * A print far beyond the mid (corrupt data: 1e300, a unit error) in a replayed capture is refused by
 * the paper exchange and seen by nothing else: the run's streams are those of the capture without it.
 */
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logging.js";
import { RunMetrics } from "../src/metrics.js";
import { continueFrom } from "../src/resume.js";
import { captureCheckpoint, type TraderCheckpoint } from "../src/state.js";
import type { PaperTrader } from "../src/trader.js";
import { GRID_T0 as T0, gridBook, sellSweep } from "./grid-events.js";
import {
  BINANCE_SAMPLE,
  captureLines,
  editCaptureLine,
  expectSameStreams,
  gridTrader,
  readStreams,
  replayCaptureLines,
} from "./helpers.js";

const lines = captureLines(BINANCE_SAMPLE);

/** The sample with copies of the `at`-th line (a print) inserted after it, at the prices given. */
function withPrintsAt(at: number, prices: string[]): string[] {
  const copies = prices.map((p, i) =>
    editCaptureLine(lines[at]!, (msg) => {
      const data = msg["data"] as Record<string, unknown>;
      data["p"] = p;
      data["t"] = 9_000_000_000 + i; // another trade id: not a duplicate of the original
    }),
  );
  return [...lines.slice(0, at + 1), ...copies, ...lines.slice(at + 1)];
}

/** Replay `text` with the `through` model and no fee (the run quotes nearer the touch); its events= count. */
async function replay(
  text: string[],
): Promise<Awaited<ReturnType<typeof replayCaptureLines>> & { events: string }> {
  const r = await replayCaptureLines(text, { fillModel: "through", makerFeeBps: 0 });
  const runLine = r.result.report.find((l) => l.startsWith("Run:")) ?? "";
  return { ...r, events: /events=(\d+)/.exec(runLine)?.[1] ?? "" };
}

describe("implausible prints in a replayed capture", () => {
  it("prints 10,000× above and below the mid are refused: every stream equals the clean run's", async () => {
    // a taker buy late in the sample, when the run quotes on both sides
    const at = lines.findIndex(
      (l, i) => i > lines.length * 0.75 && l.includes('"e":"trade"') && l.includes('"m":false'),
    );
    expect(at).toBeGreaterThan(0);
    const clean = await replay(lines);
    // a unit error either way (the sample trades near 61,800)
    const edited = await replay(withPrintsAt(at, ["618003000.00", "6.18"]));
    expectSameStreams(readStreams(clean.out), readStreams(edited.out));
    expect(edited.events).toBe(clean.events);
    expect(clean.feed).not.toContain("trade print");
    // both reached the trader as trade events (not bad lines of the capture)
    expect(edited.feed).toMatch(/ invalid=0 /);
    const trades = (feed: string): number => Number(/ trade=(\d+) /.exec(feed)?.[1]);
    expect(trades(edited.feed)).toBe(trades(clean.feed) + 2);
    expect(edited.feed).toContain(
      "; paper exchange refused 2 trade print(s) more than 10× from the mid (corrupt data: no fills, no estimator input)",
    );
    const warned = edited.logs.filter((l) =>
      l.msg.startsWith("[FEED] trade print refused by the paper exchange"),
    );
    // the first at once, the second within the minute: in the closing count
    expect(warned).toHaveLength(1);
    expect(warned[0]!.msg).toMatch(
      /\(a buy print at 618003000 is more than 10× away from the mid 6\d{4}(\.\d{1,2})?\)/,
    );
    const closing = edited.logs.filter((l) =>
      l.msg.startsWith("[FEED] trade prints refused by the paper exchange since"),
    );
    expect(closing).toHaveLength(1);
  });
});

/** A print of 50 at `price` (a buy above the mid of 100, else a sell). */
function printAt(ts: number, price: number): MarketEvent {
  const ev = sellSweep(ts);
  if (ev.type === "trade") {
    ev.trade.price = price;
    ev.trade.aggressor = price > 100 ? "buy" : "sell";
  }
  return ev;
}

describe("implausible prints in the loop", () => {
  it("fill nothing, feed no estimator and are counted in the metrics; a real sweep still fills", async () => {
    const m = new RunMetrics();
    const t = gridTrader({ orderSizeBase: 0.001 }, { metrics: m });
    let ts = T0;
    for (; ts <= T0 + 5000; ts += 100) t.onEvent(gridBook(ts));
    const kappaBefore = JSON.stringify(t.p.intensity.getState());
    const signalsBefore = JSON.stringify(t.p.signals.getState());
    const events = t.counters.events;
    // a seller "sweeping" our bids at 1/1000 of the mid, then a buyer at 1000× it
    for (const price of [0.1, 100_000]) t.onEvent(printAt(ts, price));
    expect(t.counters.fills).toBe(0);
    expect(t.counters.events).toBe(events);
    expect(JSON.stringify(t.p.intensity.getState())).toBe(kappaBefore);
    expect(JSON.stringify(t.p.signals.getState())).toBe(signalsBefore);
    expect(t.p.exchange.rejectedTradeEvents).toBe(2);
    for (ts += 100; ts <= T0 + 6000; ts += 100) t.onEvent(gridBook(ts));
    expect(await m.registry.metrics()).toMatch(/^mmkit_rejected_trade_events_total 2$/m);
    t.onEvent(sellSweep(ts));
    expect(t.counters.fills).toBeGreaterThan(0);
  });

  it("a resumed session's metric counts its own refusals, not the checkpoint's again", async () => {
    const a = gridTrader({ orderSizeBase: 0.001 });
    let ts = T0;
    for (; ts <= T0 + 3000; ts += 100) a.onEvent(gridBook(ts));
    a.onEvent(printAt(ts, 0.1));
    a.onEvent(printAt(ts, 100_000));
    const cp = JSON.parse(JSON.stringify(captureCheckpoint(a, "run-x", 0, {}, {}))) as TraderCheckpoint;
    const m = new RunMetrics();
    const b: PaperTrader = gridTrader(
      { orderSizeBase: 0.001 },
      { metrics: m, capitalQuote: cp.capital_quote },
    );
    continueFrom(b, cp, "run-x", true, createLogger("silent", false), m);
    expect(b.p.exchange.rejectedTradeEvents).toBe(2);
    for (ts += 100; ts <= T0 + 4000; ts += 100) b.onEvent(gridBook(ts));
    b.onEvent(printAt(ts, 100_000));
    for (ts += 100; ts <= T0 + 5000; ts += 100) b.onEvent(gridBook(ts));
    expect(b.p.exchange.rejectedTradeEvents).toBe(3);
    expect(await m.registry.metrics()).toMatch(/^mmkit_rejected_trade_events_total 1$/m);
  });
});
