import { describe, expect, it } from "vitest";
import { generateKnifePath } from "../test/knife-path.js";
import { FallingKnifeGuard } from "./falling-knife.js";

const T0 = 1_700_000_000_000;

describe("FallingKnifeGuard on a regime-switching diffusion with injected runs", () => {
  const { steps, runs } = generateKnifePath({
    seed: 2024,
    durationSec: 6 * 3600,
    calmSigmaBps: 1,
    volatileSigmaBps: 2.5,
    meanCalmSec: 1200,
    meanVolatileSec: 300,
    runDriftSigmas: 0.6,
    runMinSec: 60,
    runMaxSec: 180,
    gapMinSec: 600,
    gapMaxSec: 1500,
    runFlowBias: 0.7,
  });
  const guard = new FallingKnifeGuard();
  const active: boolean[] = [];
  const dirs: number[] = [];
  let wrongSideActions = 0;
  let rightSideActions = 0;
  for (const st of steps) {
    const ts = T0 + st.tSec * 1000;
    for (const tr of st.trades) guard.onTrade(ts + 100, tr.aggressor, tr.size);
    guard.onMid(ts + 500, st.mid);
    guard.advance(ts + 999);
    active.push(guard.active);
    dirs.push(guard.direction);
    const a = guard.adjustment();
    if (guard.active) {
      const runOverSide = guard.direction < 0 ? a.bidExtraBps > 0 : a.askExtraBps > 0;
      const otherSide = guard.direction < 0 ? a.askExtraBps > 0 || a.pullAsk : a.bidExtraBps > 0 || a.pullBid;
      if (runOverSide) rightSideActions++;
      if (otherSide) wrongSideActions++;
    }
  }

  it("detects every injected run within a bounded delay", () => {
    const delays: number[] = [];
    let missed = 0;
    for (const run of runs) {
      let d = -1;
      for (let s = run.startSec; s < run.endSec; s++) {
        if (active[s] && dirs[s] === run.direction) {
          d = s - run.startSec;
          break;
        }
      }
      if (d < 0) missed++;
      else delays.push(d);
    }
    delays.sort((a, b) => a - b);
    const median = delays[Math.floor(delays.length / 2)]!;
    const max = delays[delays.length - 1]!;
    console.log(
      `[knife] runs=${runs.length} detected=${delays.length} missed=${missed} delay median=${median}s max=${max}s mean=${(
        delays.reduce((a, b) => a + b, 0) / delays.length
      ).toFixed(1)}s`,
    );
    expect(runs.length).toBeGreaterThanOrEqual(15);
    expect(missed / runs.length).toBeLessThanOrEqual(0.1);
    expect(median).toBeLessThanOrEqual(30);
    expect(max).toBeLessThanOrEqual(75);
  });

  it("raises few false alarms on segments without a run", () => {
    // "Quiet" seconds: outside runs and more than 150 s after a run ended (the 120 s window and the
    // hysteresis hold legitimately keep the guard on for a while after a run).
    const inRunOrAfter = new Array<boolean>(steps.length).fill(false);
    for (const run of runs)
      for (let s = run.startSec; s < Math.min(steps.length, run.endSec + 150); s++) inRunOrAfter[s] = true;
    let quiet = 0;
    let quietActive = 0;
    let onsets = 0;
    let quietCalm = 0;
    let quietCalmActive = 0;
    for (let s = 200; s < steps.length; s++) {
      if (inRunOrAfter[s]) continue;
      quiet++;
      if (active[s]) quietActive++;
      if (active[s] && !active[s - 1]) onsets++;
      if (!steps[s]!.volatile) {
        quietCalm++;
        if (active[s]) quietCalmActive++;
      }
    }
    const rate = quietActive / quiet;
    const calmRate = quietCalmActive / quietCalm;
    const onsetsPerHour = onsets / (quiet / 3600);
    console.log(
      `[knife] quiet=${quiet}s false-alarm time=${(rate * 100).toFixed(2)}% (calm-regime only ${(calmRate * 100).toFixed(2)}%) onsets/hour=${onsetsPerHour.toFixed(2)}`,
    );
    expect(rate).toBeLessThan(0.02);
    expect(calmRate).toBeLessThan(0.01);
    expect(onsetsPerHour).toBeLessThan(3);
  });

  it("widens (or pulls) only the side being run over while active", () => {
    expect(rightSideActions).toBeGreaterThan(0);
    expect(wrongSideActions).toBe(0);
  });
});

describe("FallingKnifeGuard mechanics", () => {
  it("a steady fall pulls the bid at high severity and releases with hysteresis after the hold time", () => {
    const g = new FallingKnifeGuard({ minSamples: 10, minHoldMs: 15_000 });
    let mid = 100;
    let t = T0;
    // 120 s of noise-free alternating wiggle (σ > 0), then a 60 s fall of 5 bps/s, then flat.
    for (let i = 0; i < 120; i++) {
      mid = 100 * (1 + (i % 2 === 0 ? 1e-4 : -1e-4));
      g.onMid(t, mid);
      t += 1000;
    }
    expect(g.active).toBe(false);
    for (let i = 0; i < 60; i++) {
      mid *= 1 - 5e-4;
      g.onMid(t, mid);
      for (let k = 0; k < 3; k++) g.onTrade(t, "sell", 1);
      t += 1000;
    }
    expect(g.active).toBe(true);
    expect(g.direction).toBe(-1);
    const a = g.adjustment();
    expect(a.bidExtraBps).toBeGreaterThan(0);
    expect(a.askExtraBps).toBe(0);
    expect(a.pullBid).toBe(true);
    expect(a.pullAsk).toBe(false);
    expect(a.name).toBe("FallingKnife");
    // Flat market afterwards: the guard must stay on at least minHoldMs after its last (re)entry,
    // and eventually release once the 120 s window no longer shows the fall.
    let releasedAt = -1;
    for (let i = 0; i < 400; i++) {
      g.onMid(t, mid);
      t += 1000;
      if (!g.active && releasedAt < 0) releasedAt = i;
    }
    expect(releasedAt).toBeGreaterThan(0);
    expect(g.adjustment().active).toBe(false);
  });

  it("is inactive and says so during its own warm-up", () => {
    const g = new FallingKnifeGuard({ minSamples: 60 });
    for (let i = 0; i < 30; i++) g.onMid(T0 + i * 1000, 100 + (i % 2) * 0.01);
    const a = g.adjustment();
    expect(a.active).toBe(false);
    expect(a.note).toMatch(/^warmup \d+%/);
  });

  it("rejects invalid configuration with a clear error", () => {
    expect(() => new FallingKnifeGuard({ windowsSec: [5, 30], windowWeights: [1] })).toThrow(/same length/);
    expect(() => new FallingKnifeGuard({ onSeverity: 0.1, offSeverity: 0.2 })).toThrow(/offSeverity/);
    expect(() => new FallingKnifeGuard({ windowsSec: [0.5], windowWeights: [1] })).toThrow(
      /multiple of sampleMs/,
    );
  });

  it("state round-trips through JSON", () => {
    const g = new FallingKnifeGuard({ minSamples: 5 });
    for (let i = 0; i < 50; i++) g.onMid(T0 + i * 1000, 100 * (1 - i * 3e-4));
    const h = new FallingKnifeGuard({ minSamples: 5 });
    h.setState(JSON.parse(JSON.stringify(g.getState())));
    expect(h.adjustment()).toEqual(g.adjustment());
    g.onMid(T0 + 60_000, 98);
    h.onMid(T0 + 60_000, 98);
    expect(h.getState()).toEqual(g.getState());
  });
});

describe("FallingKnifeGuard flow imbalance covers the whole flowWindowSec", () => {
  // Reference (Python, /tmp/mathref/knife_ref.py, from the documented formula): with a constant mid
  // the momentum part is 0, so S = flowWeight · F with F = (buy − sell)/(buy + sell) over the trades
  // in [t − flowWindowSec, t). The previous code cleared the newest slot before evaluating, so it
  // summed only flowWindowSec − 1 s (and F was always 0 for flowWindowSec = sampleMs).
  it("3 s window at t = 3 s: buy 1 + 2, sell 1 → F = 0.5, S = 1.5 · 0.5 = 0.75 (old code: 0.5)", () => {
    const g = new FallingKnifeGuard({ flowWindowSec: 3 });
    g.onMid(0, 100);
    g.onTrade(500, "buy", 1);
    g.onTrade(1500, "buy", 2);
    g.onTrade(2500, "sell", 1);
    g.advance(3000);
    expect(g.score).toBeCloseTo(0.75, 12);
  });

  it("1 s window: buy 1, sell 3 within [0, 1) s → F = −0.5, S = −0.75 (old code: 0)", () => {
    const g = new FallingKnifeGuard({ flowWindowSec: 1 });
    g.onMid(0, 100);
    g.onTrade(500, "buy", 1);
    g.onTrade(700, "sell", 3);
    g.advance(1000);
    expect(g.score).toBeCloseTo(-0.75, 12);
  });
});

describe("FallingKnifeGuard hysteresis (flow-only score, hand values)", () => {
  // A constant mid gives σ = 0, so the momentum part is 0 and S = flowWeight · F. With zStart 0,
  // zFull 1 and flowWeight 1: severity = clamp(|F|, 0, 1) = |F| and direction = sign(F).
  // flowWindowSec 1: F is the imbalance of the trades in [g − 1 s, g) at grid point g.
  // onSeverity 0.35, offSeverity 0.1, minHoldMs 15 000, maxExtraBps 20, pullSeverity 0.8: the defaults.
  // minSamples 1: ready from the second grid point (the first return) on.
  const cfg = { zStart: 0, zFull: 1, flowWeight: 1, flowWindowSec: 1, minSamples: 1 };

  /** A guard on at t = 2 s on a fall (all-sell flow: F = −1, severity 1), mid constant at 100. */
  function onAfterFall(): FallingKnifeGuard {
    const g = new FallingKnifeGuard(cfg);
    g.onMid(0, 100);
    g.advance(1000); // first sample: no return yet
    g.onTrade(1500, "sell", 5); // [1 s, 2 s): F = (0 − 5)/5 = −1
    g.advance(2000);
    expect(g.ready).toBe(true);
    expect(g.severity).toBe(1);
    expect(g.active).toBe(true);
    expect(g.direction).toBe(-1);
    return g;
  }

  it("a strong rise after a fall switches the guard to the rising side (asks widened and pulled)", () => {
    const g = onAfterFall();
    g.onTrade(2500, "buy", 5); // [2 s, 3 s): F = +1 → severity 1 > 0.35, direction +1 ≠ −1: flip
    g.advance(3000);
    expect(g.active).toBe(true);
    expect(g.direction).toBe(1);
    const a = g.adjustment();
    // severity 1: extra = 1 · 20 = 20 bps on the ask; 1 ≥ 0.8 pulls the ask; the bid is left alone
    expect(a.askExtraBps).toBe(20);
    expect(a.bidExtraBps).toBe(0);
    expect(a.pullAsk).toBe(true);
    expect(a.pullBid).toBe(false);
  });

  it("a flip restarts the hold: released at flip + minHoldMs, not at first entry + minHoldMs", () => {
    const g = onAfterFall(); // on since 2 s
    for (let t = 2500; t < 10_000; t += 1000) g.onTrade(t, "sell", 1); // stay on, falling
    g.onTrade(10_500, "buy", 5); // flip at 11 s
    g.advance(11_000);
    expect(g.direction).toBe(1);
    // no trades afterwards: F = 0, severity 0 < 0.1; on since 11 s → releases at 11 + 15 = 26 s
    g.advance(25_000);
    expect(g.active).toBe(true); // 17 s = 2 + 15 s would have released a guard on since 2 s
    g.advance(26_000);
    expect(g.active).toBe(false);
    expect(g.direction).toBe(0);
  });

  it("holds at least minHoldMs (15 s) after turning on, however low the severity", () => {
    const g = onAfterFall(); // on since t0 = 2 s
    // no trades from here: F = 0, severity 0 < offSeverity 0.1 at every grid point from 3 s on
    g.advance(7000); // t0 + 5 s
    expect(g.severity).toBe(0);
    expect(g.active).toBe(true);
    g.advance(16_000); // t0 + 14 s: 14 000 < 15 000
    expect(g.active).toBe(true);
    g.advance(17_000); // t0 + 15 s: 15 000 ≥ 15 000 → released
    expect(g.active).toBe(false);
    expect(g.direction).toBe(0);
    expect(g.adjustment().active).toBe(false);
  });

  it("in the hysteresis band it acts with the on-threshold severity: 0.35 · 20 = 7 bps, not 0.2 · 20 = 4", () => {
    const g = onAfterFall();
    g.onTrade(2500, "buy", 2);
    g.onTrade(2600, "sell", 3); // F = (2 − 3)/5 = −0.2 → severity 0.2, between off 0.1 and on 0.35
    g.advance(3000);
    expect(g.severity).toBeCloseTo(0.2, 12);
    expect(g.active).toBe(true);
    expect(g.direction).toBe(-1);
    const a = g.adjustment();
    // extra = max(severity, onSeverity) · maxExtraBps = max(0.2, 0.35) · 20 = 7 bps on the bid
    expect(a.bidExtraBps).toBeCloseTo(7, 12);
    expect(a.askExtraBps).toBe(0);
    expect(a.pullBid).toBe(false); // 0.35 < pullSeverity 0.8
  });
});

describe("FallingKnifeGuard direction flip on the mid (external σ)", () => {
  it("a 5σ fall turns it on falling; a 5σ rise the next second turns it to the rising side", () => {
    // One 1-s window, no flow, σ = 1e-4 per √s: z = ln(mid_t / mid_{t−1 s}) / 1e-4, so a move of
    // exp(±5e-4) is z = ±5 (up to rounding) and severity = clamp((5 − 1.5)/(4 − 1.5), 0, 1) = 1.
    const g = new FallingKnifeGuard({ windowsSec: [1], windowWeights: [1], flowWeight: 0, minSamples: 1 });
    g.setSigma(1e-4);
    g.onMid(0, 100);
    g.onMid(500, 100); // sampled at 1 s
    g.onMid(1500, 100 * Math.exp(-5e-4)); // sampled at 2 s: z = −5
    g.advance(2000);
    expect(g.score).toBeCloseTo(-5, 6);
    expect([g.active, g.direction]).toEqual([true, -1]);
    expect(g.adjustment().bidExtraBps).toBe(20);
    g.onMid(2500, 100); // sampled at 3 s: z = +5
    g.advance(3000);
    expect(g.score).toBeCloseTo(5, 6);
    expect([g.active, g.direction]).toEqual([true, 1]);
    const a = g.adjustment();
    expect(a.askExtraBps).toBeGreaterThan(0);
    expect(a.askExtraBps).toBe(20);
    expect(a.bidExtraBps).toBe(0);
    expect(a.pullBid).toBe(false);
  });
});
