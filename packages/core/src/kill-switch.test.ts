import { describe, expect, it } from "vitest";
import { isAtLeastAsStrict, KillSwitch, type RiskObservation, markToMarketEquity } from "./kill-switch.js";

const cfg = { haltDrawdownFrac: 0.15, reduceOnlyDrawdownFrac: 0.1, maxPositionBase: 1, staleDataMs: 5000 };
// Not flat by default: a drawdown reduce-only with a flat position halts (flatDrawdownAction).
const obs = (over: Partial<RiskObservation> = {}): RiskObservation => ({
  tsMs: 10_000,
  equityQuote: 1000,
  inventoryBase: 0.5,
  lastMarketDataTsMs: 10_000,
  ...over,
});

describe("KillSwitch", () => {
  it("starts active and stays active when every check passes", () => {
    const ks = new KillSwitch(cfg);
    expect(ks.state()).toBe("active");
    expect(ks.update(obs())).toBe("active");
    expect(ks.transitions()).toEqual([]);
  });

  it("a drawdown reduce-only halts once the position is flat (it could never recover); configurable", () => {
    const ks = new KillSwitch(cfg);
    ks.update(obs({ equityQuote: 1000 }));
    expect(ks.update(obs({ tsMs: 11_000, lastMarketDataTsMs: 11_000, equityQuote: 900 }))).toBe("reduceOnly");
    // unwound to flat, still 10% down: halted, saying why
    expect(
      ks.update(obs({ tsMs: 12_000, lastMarketDataTsMs: 12_000, equityQuote: 900, inventoryBase: 0 })),
    ).toBe("halted");
    expect(ks.reason()).toMatch(
      /drawdown 10\.00% ≥ reduce-only level 10\.00% with a flat position: nothing left to reduce/,
    );
    // also in the hysteresis band (8% < 10% but not below the 7.5% recovery level)
    const band = new KillSwitch(cfg);
    band.update(obs({ equityQuote: 1000 }));
    band.update(obs({ tsMs: 11_000, lastMarketDataTsMs: 11_000, equityQuote: 900 }));
    expect(
      band.update(obs({ tsMs: 12_000, lastMarketDataTsMs: 12_000, equityQuote: 920, inventoryBase: 0 })),
    ).toBe("halted");
    // "reduceOnly": keeps idling
    const idle = new KillSwitch({ ...cfg, flatDrawdownAction: "reduceOnly" });
    idle.update(obs({ equityQuote: 1000 }));
    expect(
      idle.update(obs({ tsMs: 11_000, lastMarketDataTsMs: 11_000, equityQuote: 900, inventoryBase: 0 })),
    ).toBe("reduceOnly");
    // flat without a drawdown is just active
    expect(new KillSwitch(cfg).update(obs({ inventoryBase: 0 }))).toBe("active");
  });

  it("drawdown: 10% → reduceOnly, recovers to active, 15% → halted (sticky)", () => {
    const ks = new KillSwitch(cfg);
    ks.update(obs({ equityQuote: 1000 }));
    // (1000 − 900)/1000 = 10% ≥ 10% → reduceOnly.
    expect(ks.update(obs({ tsMs: 11_000, lastMarketDataTsMs: 11_000, equityQuote: 900 }))).toBe("reduceOnly");
    expect(ks.drawdownFrac()).toBeCloseTo(0.1, 12);
    // 5% → active again.
    expect(ks.update(obs({ tsMs: 12_000, lastMarketDataTsMs: 12_000, equityQuote: 950 }))).toBe("active");
    // New peak 1200; 1020 is (1200 − 1020)/1200 = 15% → halted.
    ks.update(obs({ tsMs: 13_000, lastMarketDataTsMs: 13_000, equityQuote: 1200 }));
    expect(ks.update(obs({ tsMs: 14_000, lastMarketDataTsMs: 14_000, equityQuote: 1020 }))).toBe("halted");
    expect(ks.reason()).toMatch(/drawdown 15\.00% ≥ halt level 15\.00%/);
    // Sticky: full recovery does not un-halt.
    expect(ks.update(obs({ tsMs: 15_000, lastMarketDataTsMs: 15_000, equityQuote: 5000 }))).toBe("halted");
    expect(ks.transitions().map((t) => `${t.from}->${t.to}@${t.tsMs}`)).toEqual([
      "active->reduceOnly@11000",
      "reduceOnly->active@12000",
      "active->halted@14000",
    ]);
  });

  it("drawdown reduce-only has hysteresis: it ends only below the recovery level (no flapping at the threshold)", () => {
    const ks = new KillSwitch(cfg); // soft level 10 %, default recovery ratio 0.75 → 7.5 %
    ks.update(obs({ equityQuote: 1000 }));
    const at = (t: number, equityQuote: number) =>
      ks.update(obs({ tsMs: t, lastMarketDataTsMs: t, equityQuote }));
    expect(at(11_000, 899)).toBe("reduceOnly"); // 10.1 %
    expect(at(12_000, 901)).toBe("reduceOnly"); // 9.9 %: still latched
    expect(ks.reason()).toMatch(/not yet below the recovery level 7\.50%/);
    expect(at(13_000, 899)).toBe("reduceOnly");
    expect(at(14_000, 924)).toBe("reduceOnly"); // 7.6 %: still above the recovery level
    expect(at(15_000, 926)).toBe("active"); // 7.4 % < 7.5 %: recovered
    expect(ks.transitions().map((t) => t.to)).toEqual(["reduceOnly", "active"]);
  });

  it("reasons show levels under 1 % with three significant digits (0.0500 %, not 0.05 %)", () => {
    const ks = new KillSwitch({ ...cfg, haltDrawdownFrac: 0.0005, reduceOnlyDrawdownFrac: 0.0005 / 1.5 });
    ks.update(obs({ equityQuote: 1000 }));
    expect(ks.update(obs({ tsMs: 11_000, lastMarketDataTsMs: 11_000, equityQuote: 999.6 }))).toBe(
      "reduceOnly",
    );
    expect(ks.reason()).toMatch(/drawdown 0\.0400% ≥ reduce-only level 0\.0333%/);
    expect(ks.update(obs({ tsMs: 12_000, lastMarketDataTsMs: 12_000, equityQuote: 999.5 }))).toBe("halted");
    expect(ks.reason()).toMatch(/drawdown 0\.0500% ≥ halt level 0\.0500%/);
  });

  it("recovery ratio 1 restores the old behaviour (back to active as soon as the drawdown is under the level)", () => {
    const ks = new KillSwitch({ ...cfg, drawdownRecoveryRatio: 1 });
    ks.update(obs({ equityQuote: 1000 }));
    expect(ks.update(obs({ tsMs: 11_000, lastMarketDataTsMs: 11_000, equityQuote: 899 }))).toBe("reduceOnly");
    expect(ks.update(obs({ tsMs: 12_000, lastMarketDataTsMs: 12_000, equityQuote: 901 }))).toBe("active");
  });

  it("halts on a large drawdown straight from active (equity net of fees and marked to mid)", () => {
    const ks = new KillSwitch(cfg);
    // Cash 1000 − 3 fees = 997, long 1 at mid 0 → equity 997 (peak). Then mid drops: 997 − 1·... (cash 0 + 1 × 800).
    ks.update(obs({ equityQuote: markToMarketEquity(997, 0, 100) }));
    const eq = markToMarketEquity(-100, 1, 900); // cash −100 (bought 1 at 1097 incl. fees), marked at 900 = 800
    expect(eq).toBe(800);
    expect(ks.update(obs({ equityQuote: eq, inventoryBase: 1 }))).toBe("halted"); // (997 − 800)/997 = 19.8%
  });

  it("position over limit → reduceOnly, and back to active when within", () => {
    const ks = new KillSwitch(cfg);
    expect(ks.update(obs({ inventoryBase: -1.5 }))).toBe("reduceOnly");
    expect(ks.reason()).toMatch(/position -1.5 over limit ±1/);
    expect(ks.update(obs({ inventoryBase: 1 }))).toBe("active"); // exactly at the limit is allowed
  });

  it("a position summed to the limit from fills is not over it, and messages show no summation noise", () => {
    const ks = new KillSwitch({ ...cfg, maxPositionBase: 10 * 0.001 });
    let inv = 0;
    for (let k = 0; k < 10; k++) inv += 0.001; // 0.010000000000000002
    expect(inv).toBeGreaterThan(0.01);
    expect(ks.update(obs({ inventoryBase: inv }))).toBe("active");
    let over = 0;
    for (let k = 0; k < 11; k++) over -= 0.001;
    expect(ks.update(obs({ inventoryBase: over }))).toBe("reduceOnly");
    expect(ks.reason()).toBe("position -0.011 over limit ±0.01");
  });

  it("stale data → reduceOnly (default) and auto-recovers when fresh", () => {
    const ks = new KillSwitch(cfg);
    expect(ks.update(obs({ tsMs: 20_001, lastMarketDataTsMs: 15_000 }))).toBe("reduceOnly"); // 5001 ms > 5000
    expect(ks.reason()).toMatch(/stale market data: 5001 ms/);
    expect(ks.update(obs({ tsMs: 20_002, lastMarketDataTsMs: 20_000 }))).toBe("active");
  });

  it("before any market data the reason says so (not an age counted from 1970)", () => {
    const ks = new KillSwitch(cfg);
    expect(ks.update(obs({ tsMs: 1_737_918_794_873, lastMarketDataTsMs: 0 }))).toBe("reduceOnly");
    expect(ks.reason()).toBe("no market data yet");
  });

  it("stale data with staleAction=halted → halted (sticky)", () => {
    const ks = new KillSwitch({ ...cfg, staleAction: "halted" });
    expect(ks.update(obs({ tsMs: 30_000, lastMarketDataTsMs: 0 }))).toBe("halted");
    expect(ks.update(obs({ tsMs: 30_001, lastMarketDataTsMs: 30_000 }))).toBe("halted");
  });

  it("NaN equity → halted (fail closed), as do Infinity inventory and non-positive equity", () => {
    const a = new KillSwitch(cfg);
    expect(a.update(obs({ equityQuote: Number.NaN }))).toBe("halted");
    expect(a.reason()).toMatch(/non-finite equityQuote/);
    const b = new KillSwitch(cfg);
    expect(b.update(obs({ inventoryBase: Number.POSITIVE_INFINITY }))).toBe("halted");
    const c = new KillSwitch(cfg);
    expect(c.update(obs({ equityQuote: 0 }))).toBe("halted");
    const d = new KillSwitch(cfg);
    expect(d.update(obs({ tsMs: Number.NaN }))).toBe("halted");
  });

  it("an exception in the risk computation → halted", () => {
    const ks = new KillSwitch(cfg);
    const throwing = {
      get tsMs(): number {
        throw new Error("clock broke");
      },
      equityQuote: 1000,
      inventoryBase: 0,
      lastMarketDataTsMs: 0,
    } as RiskObservation;
    expect(ks.update(throwing)).toBe("halted");
    expect(ks.reason()).toMatch(/risk computation failed: clock broke/);
    const ks2 = new KillSwitch(cfg);
    expect(ks2.recordError(5, new Error("boom"))).toBe("halted");
    expect(ks2.transitions()[0]).toEqual({ tsMs: 5, from: "active", to: "halted", reason: "error: boom" });
  });

  it("reduceOnly → halted directly, and halted only leaves via reset(reason)", () => {
    const ks = new KillSwitch(cfg);
    ks.update(obs({ inventoryBase: 2 }));
    expect(ks.state()).toBe("reduceOnly");
    expect(ks.halt(11_000, "operator stop")).toBe("halted");
    expect(() => ks.reset(12_000, " ")).toThrow(/reason/);
    expect(ks.reset(12_000, "operator restart")).toBe("active");
    expect(ks.transitions().at(-1)).toEqual({
      tsMs: 12_000,
      from: "halted",
      to: "active",
      reason: "reset: operator restart",
    });
    // The peak restarts: a lower equity after reset is the new peak, not a drawdown.
    expect(ks.update(obs({ equityQuote: 500 }))).toBe("active");
  });

  it("keeps a bounded transition log", () => {
    const ks = new KillSwitch({ ...cfg, maxLogEntries: 3 });
    for (let i = 0; i < 10; i++) ks.update(obs({ tsMs: 10_000 + i, inventoryBase: i % 2 === 0 ? 5 : 0 }));
    expect(ks.transitions().length).toBe(3);
    expect(ks.transitions().at(-1)!.tsMs).toBe(10_009);
  });

  it("round-trips through JSON for checkpoints", () => {
    const ks = new KillSwitch(cfg);
    ks.update(obs({ equityQuote: 1000 }));
    ks.update(obs({ equityQuote: 880 }));
    const copy = KillSwitch.fromJSON(cfg, JSON.parse(JSON.stringify(ks.toJSON())));
    expect(copy.state()).toBe("reduceOnly");
    expect(copy.toJSON().drawdownLatched).toBe(true);
    expect(copy.peakEquityQuote()).toBe(1000);
    expect(copy.transitions()).toEqual(ks.transitions());
    // The restored peak still counts: 840 is 16% below 1000 → halted.
    expect(copy.update(obs({ equityQuote: 840 }))).toBe("halted");
  });

  it("rejects an invalid config naming the field", () => {
    expect(() => new KillSwitch({ haltDrawdownFrac: 1.5 })).toThrow(/haltDrawdownFrac: must be in \(0, 1\]/);
    expect(() => new KillSwitch({ haltDrawdownFrac: 0.05, reduceOnlyDrawdownFrac: 0.1 })).toThrow(
      /reduceOnlyDrawdownFrac/,
    );
  });
});

describe("KillSwitch edge cases (mutation audit)", () => {
  it("negative equity halts at once, also on a fresh switch (no peak to measure a drawdown from)", () => {
    const ks = new KillSwitch(cfg);
    expect(ks.update(obs({ equityQuote: -5 }))).toBe("halted");
    expect(ks.reason()).toMatch(/equity -5 ≤ 0/);
  });

  it("fromJSON refuses an unknown state and, for snapshots without drawdownLatched, derives the latch from the last drawdown", () => {
    const snap = { ...new KillSwitch(cfg).toJSON(), state: "paused" as never };
    expect(() => KillSwitch.fromJSON(cfg, snap)).toThrow(/unknown state paused/);
    // peak 1000; an update at 9 % drawdown is in the hysteresis band (under 10 %, over the 7.5 % recovery)
    const older = (lastDrawdownFrac: number) => {
      const { drawdownLatched: _omit, ...rest } = new KillSwitch(cfg).toJSON();
      return { ...rest, state: "reduceOnly" as const, peakEquityQuote: 1000, lastDrawdownFrac };
    };
    // last drawdown 10 % ≥ the reduce-only level: latched, so 9 % stays reduce-only
    const latched = KillSwitch.fromJSON(cfg, older(0.1));
    expect(latched.update(obs({ tsMs: 20_000, lastMarketDataTsMs: 20_000, equityQuote: 910 }))).toBe(
      "reduceOnly",
    );
    expect(latched.drawdownFrac()).toBeCloseTo(0.09, 12);
    // last drawdown 5 %: not latched, so 9 % (under the 10 % level) is active
    const free = KillSwitch.fromJSON(cfg, older(0.05));
    expect(free.update(obs({ tsMs: 20_000, lastMarketDataTsMs: 20_000, equityQuote: 910 }))).toBe("active");
    // a missing peak (JSON null) is "no observation yet": the next equity is the peak
    const noPeak = KillSwitch.fromJSON(cfg, { ...older(0), state: "active", peakEquityQuote: null as never });
    expect(noPeak.update(obs({ equityQuote: 500 }))).toBe("active");
    expect(noPeak.drawdownFrac()).toBe(0);
  });
});

describe("isAtLeastAsStrict", () => {
  it("orders the states active < reduceOnly < halted", () => {
    expect(isAtLeastAsStrict("halted", "active")).toBe(true);
    expect(isAtLeastAsStrict("reduceOnly", "reduceOnly")).toBe(true);
    expect(isAtLeastAsStrict("active", "reduceOnly")).toBe(false);
    expect(isAtLeastAsStrict("reduceOnly", "halted")).toBe(false);
  });
});
