/** Shared micro-benchmark harness: times a function per call and prints p50/p99 in µs. */
import { performance } from "node:perf_hooks";

export interface LatencyStats {
  name: string;
  iterations: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
}

/** Time `fn` per call (after a warm-up) and print p50/p99/mean in microseconds. */
export function benchLatency(
  name: string,
  fn: (i: number) => void,
  iterations = 100_000,
  warmup = 10_000,
): LatencyStats {
  for (let i = 0; i < warmup; i++) fn(i);
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn(i);
    samples[i] = performance.now() - t0;
  }
  samples.sort();
  const q = (p: number): number => samples[Math.min(iterations - 1, Math.floor(p * iterations))]! * 1000;
  let sum = 0;
  for (const s of samples) sum += s;
  const stats = { name, iterations, p50Us: q(0.5), p99Us: q(0.99), meanUs: (sum / iterations) * 1000 };
  console.log(
    `${name.padEnd(48)} p50=${stats.p50Us.toFixed(2)}µs p99=${stats.p99Us.toFixed(2)}µs mean=${stats.meanUs.toFixed(2)}µs (n=${iterations})`,
  );
  return stats;
}

/** Time a whole batch and print throughput in units per second. */
export function benchThroughput(name: string, units: string, run: () => number): number {
  const t0 = performance.now();
  const count = run();
  const sec = (performance.now() - t0) / 1000;
  const rate = count / sec;
  console.log(
    `${name.padEnd(48)} ${Math.round(rate).toLocaleString("en-US")} ${units}/s (${count.toLocaleString("en-US")} in ${sec.toFixed(2)} s)`,
  );
  return rate;
}
