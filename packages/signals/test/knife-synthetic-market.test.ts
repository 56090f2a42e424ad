/**
 * The falling-knife guard on @mmkit/exchange's SyntheticMarket (regime-switching diffusion with
 * injected one-way runs whose intervals come from `groundTruth()`), fed through the full SignalStack.
 */
import { SyntheticMarket } from "@mmkit/exchange";
import { describe, expect, it } from "vitest";
import { SignalStack } from "../src/stack.js";

describe("FallingKnife on the exchange SyntheticMarket", () => {
  it("fires within a bounded delay on ground-truth runs with few false alarms", () => {
    const market = new SyntheticMarket({
      seed: 17,
      durationSec: 3 * 3600,
      runs: { ratePerHour: 4, durationSec: 150, driftBpsPerSec: 1 },
      jumps: { ratePerHour: 0, meanSizeBps: 20 },
      book: { updateIntervalMs: 250 },
    });
    const stack = new SignalStack({ regime: { restarts: 1, maxIter: 30 } });
    const start = market.config.startTsMs;
    const nSec = market.config.durationSec;
    const active = new Array<boolean>(nSec).fill(false);
    const dir = new Array<number>(nSec).fill(0);
    let wrongSide = 0;
    let nextSec = 1;
    for (const ev of market.events()) {
      stack.onMarketEvent(ev);
      while (ev.exchangeTsMs >= start + nextSec * 1000 && nextSec < nSec) {
        const { adjustments } = stack.cycle({ tsMs: start + nextSec * 1000 });
        active[nextSec] = stack.knife.active;
        dir[nextSec] = stack.knife.direction;
        const k = adjustments.find((a) => a.name === "FallingKnife")!;
        if (
          k.active &&
          ((stack.knife.direction < 0 && (k.askExtraBps > 0 || k.pullAsk)) ||
            (stack.knife.direction > 0 && (k.bidExtraBps > 0 || k.pullBid)))
        ) {
          wrongSide++;
        }
        nextSec++;
      }
    }
    const runs = market.groundTruth().runs.map((r) => ({
      s: Math.floor((r.startTsMs - start) / 1000),
      e: Math.floor((r.endTsMs - start) / 1000),
      d: r.direction === "down" ? -1 : 1,
    }));
    const delays: number[] = [];
    let missed = 0;
    for (const r of runs) {
      let d = -1;
      for (let s = Math.max(r.s, 1); s < Math.min(r.e, nSec); s++) {
        if (active[s] && dir[s] === r.d) {
          d = s - r.s;
          break;
        }
      }
      if (d < 0) missed++;
      else delays.push(d);
    }
    const busy = new Array<boolean>(nSec).fill(false);
    for (const r of runs) for (let s = Math.max(0, r.s); s < Math.min(nSec, r.e + 150); s++) busy[s] = true;
    let quiet = 0;
    let quietActive = 0;
    let onsets = 0;
    for (let s = 200; s < nSec; s++) {
      if (busy[s]) continue;
      quiet++;
      if (active[s]) quietActive++;
      if (active[s] && !active[s - 1]) onsets++;
    }
    delays.sort((a, b) => a - b);
    const median = delays[Math.floor(delays.length / 2)] ?? Number.NaN;
    console.log(
      `[knife/synthetic-market] runs=${runs.length} detected=${delays.length} missed=${missed} delay median=${median}s max=${delays[delays.length - 1]}s; quiet=${quiet}s false-alarm time=${((100 * quietActive) / quiet).toFixed(2)}% onsets/hour=${(onsets / (quiet / 3600)).toFixed(2)}`,
    );
    expect(runs.length).toBeGreaterThanOrEqual(5);
    expect(wrongSide).toBe(0);
    expect(missed / runs.length).toBeLessThanOrEqual(0.2);
    expect(median).toBeLessThanOrEqual(45);
    expect(quietActive / quiet).toBeLessThan(0.03);
  });
});
