import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { generateLeadLagPath, type LeadLagPath } from "../test/lead-lag-path.js";
import { LEAD_LAG_SIGNAL_NAME } from "./lead-lag.js";
import { type CycleResult, SignalStack, type SignalStackConfig } from "./stack.js";
import { smallConfig, T0 } from "./stack-test-helpers.js";

const enabled: Partial<SignalStackConfig> = { ...smallConfig, leadLag: { enabled: true } };

const bbo = (tsMs: number, mid: number, bidSize = 1, askSize = 1): MarketEvent => ({
  type: "bbo",
  exchangeTsMs: tsMs,
  localTsMs: tsMs + 3,
  bbo: { bidPrice: mid - 0.5, bidSize, askPrice: mid + 0.5, askSize },
});

/** A lead path (local = reference 1 s earlier − 5 bps) as local and reference market events. */
function leadEvents(
  durationSec: number,
  seed = 5,
): { path: LeadLagPath; events: { ref: boolean; ev: MarketEvent }[] } {
  const path = generateLeadLagPath(
    {
      seed,
      durationSec,
      tickMs: 50,
      sigmaBpsPerSqrtSec: 1,
      lagMs: 1000,
      basisBps: 5,
      localNoiseBps: 0.2,
      jumps: [],
    },
    T0,
  );
  const events: { ref: boolean; ev: MarketEvent }[] = [];
  let i = 0;
  for (const u of path.updates) {
    const ref = u.venue === "ref";
    events.push({ ref, ev: bbo(u.tsMs, u.mid, ref ? 2 : 1 + (i % 3), ref ? 2 : 1 + ((i >> 1) % 3)) });
    if (!ref && i % 40 === 1) {
      // One local trade per second (warm-up and the knife's flow).
      const trade = {
        price: u.mid,
        size: 0.1,
        aggressor: i % 80 === 1 ? ("buy" as const) : ("sell" as const),
        exchangeTsMs: u.tsMs,
        localTsMs: u.tsMs + 3,
      };
      events.push({ ref: false, ev: { type: "trade", exchangeTsMs: u.tsMs, localTsMs: u.tsMs + 3, trade } });
    }
    i++;
  }
  return { path, events };
}

/** Feed events to stacks (reference events through `onReferenceEvent`) with a cycle every 250 ms. */
function drive(
  stacks: SignalStack[],
  events: { ref: boolean; ev: MarketEvent }[],
  onCycle: (results: CycleResult[], tsMs: number) => void,
  from = 0,
  to = events.length,
  sendRef: boolean[] = stacks.map(() => true),
): void {
  let nextCycle = Math.floor(events[from]!.ev.exchangeTsMs / 250) * 250 + 40;
  for (let i = from; i < to; i++) {
    const { ref, ev } = events[i]!;
    while (nextCycle < ev.exchangeTsMs) {
      const ctx = {
        tsMs: nextCycle,
        baseHalfSpreadBps: 3,
        inventoryFrac: 0,
        pnlQuote: (nextCycle - T0) * 1e-6,
        notionalQuote: 1e4,
      };
      onCycle(
        stacks.map((s) => s.cycle(ctx)),
        nextCycle,
      );
      nextCycle += 250;
    }
    stacks.forEach((s, k) => {
      if (!ref) s.onMarketEvent(ev);
      else if (sendRef[k]) s.onReferenceEvent(ev);
    });
  }
}

describe("SignalStack with the lead–lag signal", () => {
  it("enabled: 6 adjustments with LeadLag last; its skew enters the integrator's combined skew", () => {
    const { events } = leadEvents(400);
    const on = new SignalStack(enabled);
    const off = new SignalStack(smallConfig);
    expect(on.leadLag).not.toBeNull();
    expect(off.leadLag).toBeNull();
    let activeCycles = 0;
    let warmCycles = 0;
    drive([on, off], events, ([a, b], tsMs) => {
      expect(a!.adjustments).toHaveLength(6);
      expect(b!.adjustments).toHaveLength(5);
      expect(a!.adjustments.map((x) => x.name).slice(0, 5)).toEqual(b!.adjustments.map((x) => x.name));
      expect(a!.adjustments[5]!.name).toBe(LEAD_LAG_SIGNAL_NAME);
      // The other five signals are unaffected by the sixth.
      expect(a!.adjustments.slice(0, 5)).toEqual(b!.adjustments);
      const ll = a!.record.contributions[5]!;
      expect(ll.signal_name).toBe(LEAD_LAG_SIGNAL_NAME);
      const sum = a!.record.contributions.reduce((s, c) => s + c.applied_skew_bps, 0);
      expect(Math.abs(sum - a!.record.combined_skew_bps)).toBeLessThan(1e-12);
      // No clamping here (|imbalance| ≤ 2 + |lead-lag| ≤ 3 < 10): the difference IS the lead-lag part.
      expect(a!.record.clamped).toBe(false);
      expect(a!.effect.skewAdjBps - b!.effect.skewAdjBps).toBeCloseTo(ll.applied_skew_bps, 12);
      expect(a!.effect.spreadAdjBps).toBe(b!.effect.spreadAdjBps);
      expect(a!.effect.kappaMult).toBe(b!.effect.kappaMult);
      if (!on.warmup.complete) {
        expect(a!.adjustments[5]!.note).toMatch(/^warmup \d+%$/);
        return;
      }
      warmCycles++;
      const adj = a!.adjustments[5]!;
      if (adj.active) {
        activeCycles++;
        expect(ll.applied_skew_bps).toBeCloseTo(adj.confidence * adj.skewAdjBps, 12);
        expect(on.referenceBook!.isTwoSided()).toBe(true);
      }
      if (tsMs - T0 === 300_040) {
        expect(on.signalsLogLine(a!.effect)).toMatch(/ lead_lag_bps=-?\d+\.\d\d lead_beta=\d\.\d\d$/);
        expect(off.signalsLogLine(b!.effect)).not.toMatch(/lead_/);
      }
    });
    console.log(
      `[stack lead-lag] active ${activeCycles}/${warmCycles} warm cycles, beta=${on.leadLag!.beta.toFixed(3)} ` +
        `t=${on.leadLag!.tStat.toFixed(1)} mu=${on.leadLag!.basisBps.toFixed(2)} bps`,
    );
    expect(activeCycles / warmCycles).toBeGreaterThan(0.9);
    expect(on.rejectedReferenceEvents).toBe(0);
  });

  it("disabled: reference events change nothing (cycles, checkpoint JSON, log line)", () => {
    const { events } = leadEvents(300, 6);
    const fed = new SignalStack(smallConfig); // receives onReferenceEvent
    const plain = new SignalStack(smallConfig); // never does
    drive(
      [fed, plain],
      events,
      ([a, b]) => {
        expect(a).toEqual(b);
        expect(a!.adjustments).toHaveLength(5);
        expect(fed.signalsLogLine(a!.effect)).toBe(plain.signalsLogLine(b!.effect));
      },
      0,
      events.length,
      [true, false],
    );
    const json = JSON.stringify(fed.getState());
    expect(json).toBe(JSON.stringify(plain.getState()));
    expect(json).not.toContain("leadLag");
    expect(Object.keys(fed.getState())).not.toContain("leadLag");
    expect(fed.referenceBook).toBeNull();
  });

  it("checkpoint round trip with lead–lag enabled continues identically (and old checkpoints load)", () => {
    const { events } = leadEvents(400, 7);
    const cut = Math.floor(events.length * 0.6);
    const a = new SignalStack(enabled);
    drive([a], events, () => {}, 0, cut);
    const state = JSON.parse(JSON.stringify(a.getState()));
    expect(state.leadLag.signal.pairs).toBeGreaterThan(300);
    const b = new SignalStack(enabled);
    b.setState(state);
    expect(b.getState()).toEqual(a.getState());
    let active = 0;
    drive(
      [a, b],
      events,
      ([x, y]) => {
        expect(y).toEqual(x);
        if (x!.adjustments[5]!.active) active++;
      },
      cut,
    );
    expect(active).toBeGreaterThan(100);
    expect(b.getState()).toEqual(a.getState());

    // A checkpoint without lead–lag state (older / written while disabled) loads; lead–lag restarts.
    const old = new SignalStack(smallConfig);
    drive([old], events, () => {}, 0, 2000);
    const c = new SignalStack(enabled);
    drive([c], events, () => {}, 0, 2000);
    c.setState(JSON.parse(JSON.stringify(old.getState())));
    expect(c.leadLag!.getState()).toEqual(new SignalStack(enabled).leadLag!.getState());
    expect(c.referenceBook!.isTwoSided()).toBe(false);
    // And a lead–lag checkpoint loads into a disabled stack (the extra part is ignored).
    const d = new SignalStack(smallConfig);
    d.setState(state);
    expect(d.getState().leadLag).toBeUndefined();
  });

  it("reference events: crossed ones are counted and ignored; trades and health are ignored", () => {
    const s = new SignalStack({ leadLag: { enabled: true } });
    s.onReferenceEvent(bbo(T0, 100));
    expect(s.leadLag!.referenceAgeMs(T0 + 500)).toBe(500);
    const crossed: MarketEvent = {
      type: "bbo",
      exchangeTsMs: T0 + 100,
      localTsMs: T0 + 103,
      bbo: { bidPrice: 101, bidSize: 1, askPrice: 100, askSize: 1 },
    };
    s.onReferenceEvent(crossed);
    expect(s.rejectedReferenceEvents).toBe(1);
    expect(s.referenceBook!.mid()).toBe(100);
    expect(s.leadLag!.referenceAgeMs(T0 + 500)).toBe(500);
    const trade = {
      price: 100,
      size: 1,
      aggressor: "buy" as const,
      exchangeTsMs: T0 + 200,
      localTsMs: T0 + 203,
    };
    s.onReferenceEvent({ type: "trade", exchangeTsMs: T0 + 200, localTsMs: T0 + 203, trade });
    s.onReferenceEvent({
      type: "health",
      exchangeTsMs: T0 + 300,
      localTsMs: T0 + 303,
      status: "stale",
      reason: "x",
    });
    expect(s.leadLag!.referenceAgeMs(T0 + 500)).toBe(500);
    // Snapshots and deltas update the reference book too; the clock is the stack's ("local" here).
    const local = new SignalStack({ clock: "local", leadLag: { enabled: true } });
    local.onReferenceEvent({
      type: "snapshot",
      exchangeTsMs: T0,
      localTsMs: T0 + 40,
      bids: [{ price: 99, size: 1 }],
      asks: [{ price: 101, size: 1 }],
    });
    local.onReferenceEvent({
      type: "delta",
      exchangeTsMs: T0 + 10,
      localTsMs: T0 + 50,
      bids: [{ price: 100, size: 2 }],
      asks: [],
    });
    expect(local.referenceBook!.mid()).toBe(100.5);
    expect(local.leadLag!.referenceAgeMs(T0 + 100)).toBe(50);
    // Before any local mid the signal says so (after the stack's warm-up gate).
    expect(local.leadLag!.adjustment(T0 + 100).note).toBe("no local mid");
  });
});
