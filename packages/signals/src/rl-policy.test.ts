import { describe, expect, it } from "vitest";
import { type RlObservation, RlSpreadPolicy } from "./rl-policy.js";

const obs = (p: Partial<RlObservation>): RlObservation => ({
  tsMs: 0,
  inventoryFrac: 0,
  volRatio: 1,
  regime: 1,
  markoutBps: 0,
  pnlQuote: 0,
  notionalQuote: 10_000,
  ...p,
});

describe("RlSpreadPolicy", () => {
  it("learns the action with the best reward in a one-state bandit", () => {
    // Reward per step depends only on the action taken: multiplier 1.25 pays 2 bps, others lose 1 bp.
    const pol = new RlSpreadPolicy({ epsilon: 0.2, seed: 3, discount: 0, decisionIntervalMs: 1000 });
    let pnl = 0;
    for (let i = 0; i < 3000; i++) {
      const a = pol.step(obs({ tsMs: i * 1000, pnlQuote: pnl }), true);
      const mult = pol.config.actions[a]!;
      pnl += ((mult === 1.25 ? 2 : -1) * 10_000) / 1e4;
    }
    const s = pol.encode(obs({}));
    expect(pol.config.actions[pol.greedy(s)]).toBe(1.25);
    // Q of the best action ≈ its reward of 2 bps (discount 0)
    expect(pol.qValue(s, 2)).toBeCloseTo(2, 1);
  });

  it("penalises inventory in the reward", () => {
    const pol = new RlSpreadPolicy({ epsilon: 0, discount: 0, learningRate: 1, inventoryPenaltyBps: 4 });
    pol.step(obs({ tsMs: 0, inventoryFrac: 0.5 }), true);
    const s = pol.encode(obs({ inventoryFrac: 0.5 }));
    const a = pol.greedy(s);
    pol.step(obs({ tsMs: 5000, inventoryFrac: 0.5, pnlQuote: 1 }), true);
    // r = 1/10000·1e4 − 4·0.25 = 0; then the neutral action's Q is exactly 0
    expect(pol.qValue(s, a)).toBeCloseTo(0, 12);
  });

  it("is disabled during warm-up: inactive, neutral, and not learning", () => {
    const pol = new RlSpreadPolicy();
    for (let i = 0; i < 100; i++) pol.step(obs({ tsMs: i * 5000, pnlQuote: i }), false);
    expect(pol.updates).toBe(0);
    expect(pol.currentMultiplier()).toBe(1);
    const a = pol.adjustment(false, 5, "warmup 40%");
    expect(a.active).toBe(false);
    expect(a.note).toBe("warmup 40%");
  });

  it("converts the multiplier into spread bps", () => {
    const pol = new RlSpreadPolicy({ epsilon: 1, seed: 9 });
    pol.step(obs({}), true);
    const a = pol.adjustment(true, 4);
    expect(a.spreadAdjBps).toBeCloseTo((pol.currentMultiplier() - 1) * 4, 12);
    expect(a.rawValue).toBe(pol.currentMultiplier());
  });

  it("Q-table round-trips through JSON; mismatched tables are rejected", () => {
    const pol = new RlSpreadPolicy({ seed: 5, epsilon: 0.5 });
    for (let i = 0; i < 200; i++)
      pol.step(obs({ tsMs: i * 5000, pnlQuote: Math.sin(i), inventoryFrac: Math.cos(i) }), true);
    const other = new RlSpreadPolicy({ seed: 5 });
    other.loadJson(pol.toJson());
    expect(other.toJson()).toBe(pol.toJson());
    const small = new RlSpreadPolicy({ actions: [1, 2] });
    expect(() => small.loadJson(pol.toJson())).toThrow(/does not match/);
    expect(() => small.loadJson("nope")).toThrow(/not valid JSON/);
  });

  it("is deterministic for a seed (state round-trip continues identically)", () => {
    const a = new RlSpreadPolicy({ seed: 11, epsilon: 0.3 });
    const b = new RlSpreadPolicy({ seed: 11, epsilon: 0.3 });
    for (let i = 0; i < 50; i++) {
      a.step(obs({ tsMs: i * 5000, pnlQuote: i % 7 }), true);
      b.step(obs({ tsMs: i * 5000, pnlQuote: i % 7 }), true);
    }
    expect(b.getState()).toEqual(a.getState());
    const c = new RlSpreadPolicy({ seed: 99, epsilon: 0.3 });
    c.setState(JSON.parse(JSON.stringify(a.getState())));
    for (let i = 50; i < 100; i++) {
      const x = a.step(obs({ tsMs: i * 5000, pnlQuote: i % 5 }), true);
      const y = c.step(obs({ tsMs: i * 5000, pnlQuote: i % 5 }), true);
      expect(y).toBe(x);
    }
  });
});
