import type { EdgeSnapshot, EdgeTracker } from "./edge.js";
import { SeededRandom } from "./prng.js";
import type { SharpeTracker } from "./sharpe.js";

/** What a checkpoint goes through on disk. */
export function viaJson<S>(state: S): S {
  return JSON.parse(JSON.stringify(state)) as S;
}

/** Canonical text in which two values are equal iff every number is bit-identical (NaN, ±0 distinct). */
export function canon(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) =>
    typeof v === "number" ? (Object.is(v, -0) ? "num:-0" : `num:${String(v)}`) : v,
  );
}

/** Test helper: `count` seeded SharpeTracker steps (gaps, out-of-order samples, fills, summaries). */
export function sharpeEvents(seed: number, count: number): ((t: SharpeTracker) => void)[] {
  const rng = new SeededRandom(seed);
  const out: ((t: SharpeTracker) => void)[] = [];
  let ts = 1_700_000_000_000;
  let equity = 10_000;
  for (let i = 0; i < count; i++) {
    const u = rng.next();
    // mostly sub-bucket steps, some multi-bucket gaps, some out-of-order samples
    ts += u < 0.05 ? 15_000 : u < 0.1 ? -700 : Math.floor(rng.next() * 1_500);
    equity += (rng.next() - 0.49) * 3;
    const t0 = ts;
    const e0 = equity;
    out.push((t) => t.update(t0, e0));
    if (rng.next() < 0.3) {
      const pnl = (rng.next() - 0.5) * 2;
      out.push((t) => t.recordFill(pnl));
    }
    if (i % 400 === 399) out.push((t) => void t.summary(t0 + 500));
  }
  out.push((t) => t.advanceTo(ts + 5_000));
  return out;
}

/** Test helper: `count` seeded EdgeTracker snapshots at three horizons, some markouts missing. */
export function edgeEvents(seed: number, count: number): ((t: EdgeTracker) => void)[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const pred = rng.next() * 2 - 0.5;
    const snap: EdgeSnapshot = {
      tsMs: i * 100,
      predictedEdgeBps: pred,
      feeBps: -0.2,
      markouts: [1_000, 10_000, 60_000].map((h) => ({
        horizonMs: h,
        realizedEdgeBps: rng.next() < 0.1 ? null : pred - 0.3 + (rng.next() - 0.5) * 4,
      })),
    };
    return (t: EdgeTracker) => t.update(snap);
  });
}
