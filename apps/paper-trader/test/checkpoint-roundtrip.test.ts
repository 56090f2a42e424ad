import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { buildParts } from "../src/build.js";
import { type PaperTraderConfig, parseConfig } from "../src/config.js";
import { createLogger } from "../src/logging.js";
import { edgeValidationReport } from "../src/report.js";
import { createSource, firstMid } from "../src/source.js";
import { captureCheckpoint, restoreCheckpoint, type TraderCheckpoint } from "../src/state.js";
import { PaperTrader } from "../src/trader.js";

const quiet = { warn: () => {}, info: () => {} };

/** A synthetic market's events and a way to build its trader (fresh, or sized as a checkpoint says). */
async function market(config: PaperTraderConfig): Promise<{
  events: MarketEvent[];
  make: (cp?: TraderCheckpoint) => PaperTrader;
}> {
  const source = await createSource(config, quiet);
  const events = [...source.syncEvents!()];
  const mid = firstMid(source.sample);
  const make = (cp?: TraderCheckpoint): PaperTrader =>
    new PaperTrader(
      buildParts(cp === undefined ? config : { ...config, orderSizeBase: cp.order_size_base }, {
        logger: createLogger("silent", false),
        out: null,
        metrics: null,
        tickRules: source.tickRules,
        firstMid: mid,
        clock: source.clock,
        quoteCurrency: source.quoteCurrency,
        ...(cp === undefined ? {} : { capitalQuote: cp.capital_quote }),
      }),
    );
  return { events, make };
}

/** The checkpoint as a resume reads it: through JSON. */
function checkpointOf(t: PaperTrader, consumed: number): TraderCheckpoint {
  return JSON.parse(JSON.stringify(captureCheckpoint(t, "run-x", consumed, {}, {}))) as TraderCheckpoint;
}

const report = (t: PaperTrader): string[] =>
  edgeValidationReport(t, {
    stopReason: "end",
    outputDir: null,
    wallSeconds: 0,
    feedSummary: "",
    instrument: "",
  });

/**
 * Trader `a` runs every event; at the first event where `cutHere(a)` holds, trader `b` is built from
 * a checkpoint of `a` and both take the rest. Returns both and the checkpoint.
 */
async function resumedBeside(
  config: PaperTraderConfig,
  cutHere: (a: PaperTrader) => boolean,
  older: (cp: TraderCheckpoint) => void = () => {},
): Promise<{ a: PaperTrader; b: PaperTrader; cp: TraderCheckpoint; events: number }> {
  const { events, make } = await market(config);
  const a = make();
  let cut = -1;
  for (let i = 0; i < events.length && cut < 0; i++) {
    a.onEvent(events[i]!);
    if (cutHere(a)) cut = i + 1;
  }
  expect(cut).toBeGreaterThan(0);
  expect(cut).toBeLessThan(events.length);
  const cp = checkpointOf(a, cut);
  older(cp);
  const b = make(cp);
  restoreCheckpoint(b, cp);
  for (const ev of events.slice(cut)) {
    a.onEvent(ev);
    b.onEvent(ev);
  }
  return { a, b, cp, events: events.length };
}

/** Every component's state at the end (the config differs only by the order size a resume sets explicitly). */
function endState(t: PaperTrader, events: number): Record<string, unknown> {
  const { written_at_wall: _w, config: _c, ...rest } = checkpointOf(t, events);
  return rest;
}

describe("a checkpoint restores the whole trader", () => {
  it("cut at the run's deepest drawdown, a restored trader ends exactly as the one that never stopped", async () => {
    const config = parseConfig({ durationSec: 900, seed: 13 });
    // the deepest drawdown of the whole run, from a run of its own
    const { events, make } = await market(config);
    const whole = make();
    for (const ev of events) whole.onEvent(ev);
    const deepest = whole.drawdown.state()!.maxDrawdownAbs;
    expect(deepest).toBeGreaterThan(0);

    const {
      a,
      b,
      events: n,
    } = await resumedBeside(
      config,
      (t) => t.counters.fills > 0 && t.drawdown.state()?.maxDrawdownAbs === deepest,
    );
    expect(b.counters).toEqual(a.counters);
    expect(b.drawdown.state()).toEqual(a.drawdown.state());
    expect(report(b)).toEqual(report(a));
    expect(endState(b, n)).toEqual(endState(a, n));
  }, 60_000);

  it("cut while the kill switch holds reduce-only for a drawdown, the restored trader stays reduce-only", async () => {
    // reduce-only at 2/3 of the halt level: 0.02 % below the peak
    const config = parseConfig({ durationSec: 900, seed: 13, killDrawdownPct: 0.03 });
    const {
      a,
      b,
      cp,
      events: n,
    } = await resumedBeside(config, (t) => t.p.killSwitch.toJSON().state === "reduceOnly");
    expect(cp.kill_switch.state).toBe("reduceOnly");
    expect(endState(b, n)).toEqual(endState(a, n));
  }, 60_000);

  it("a checkpoint from before the exchange counted its reported fills goes on with the fill ids where they were", async () => {
    const config = parseConfig({ durationSec: 900, seed: 13 });
    const {
      a,
      b,
      cp,
      events: n,
    } = await resumedBeside(
      config,
      (t) => t.counters.fills >= 20,
      (c) => {
        delete (c.exchange as { fillsReported?: number }).fillsReported;
      },
    );
    expect(cp.counters.fills).toBeGreaterThanOrEqual(20);
    expect(a.counters.fills).toBeGreaterThan(20);
    // the next fill after the checkpoint is F21 on both: no second F1
    expect(b.p.exchange.fillsReported).toBe(a.p.exchange.fillsReported);
    expect(endState(b, n)).toEqual(endState(a, n));
  }, 60_000);
});
