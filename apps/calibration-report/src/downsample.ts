/** Bounded-memory downsampling of a time series for plots: min/max-preserving pair merging. */

/** One plotted point: the span it covers, its last value and the extremes inside it. */
export interface SeriesPoint {
  /** Time of the first raw sample in this point (epoch ms). */
  tsMs: number;
  /** Last raw value in this point. */
  value: number;
  /** Minimum raw value in this point. */
  min: number;
  /** Maximum raw value in this point. */
  max: number;
}

/**
 * Streaming downsampler: keeps at most `maxPoints` points. Each point aggregates `stride` raw samples;
 * when the buffer is full, adjacent pairs merge and the stride doubles, so peaks and troughs survive.
 */
export class MinMaxDownsampler {
  private readonly points: SeriesPoint[] = [];
  private stride = 1;
  private pending: SeriesPoint | null = null;
  private pendingCount = 0;
  private total = 0;

  constructor(private readonly maxPoints = 2000) {
    if (!Number.isInteger(maxPoints) || maxPoints < 4)
      throw new Error(`maxPoints must be an integer >= 4, got ${maxPoints}`);
  }

  /** Add one raw sample (samples must arrive in time order). */
  push(tsMs: number, value: number): void {
    this.total++;
    const p = this.pending;
    if (p === null) {
      this.pending = { tsMs, value, min: value, max: value };
      this.pendingCount = 1;
    } else {
      p.value = value;
      if (value < p.min) p.min = value;
      if (value > p.max) p.max = value;
      this.pendingCount++;
    }
    if (this.pendingCount >= this.stride) this.commit();
  }

  private commit(): void {
    if (this.pending === null) return;
    this.points.push(this.pending);
    this.pending = null;
    this.pendingCount = 0;
    if (this.points.length >= this.maxPoints) this.halve();
  }

  private halve(): void {
    const merged: SeriesPoint[] = [];
    for (let i = 0; i < this.points.length; i += 2) {
      const a = this.points[i]!;
      const b = this.points[i + 1];
      if (b === undefined) merged.push(a);
      else
        merged.push({
          tsMs: a.tsMs,
          value: b.value,
          min: Math.min(a.min, b.min),
          max: Math.max(a.max, b.max),
        });
    }
    this.points.length = 0;
    this.points.push(...merged);
    this.stride *= 2;
  }

  /** Number of raw samples seen. */
  get count(): number {
    return this.total;
  }

  /** The downsampled series (includes a partially filled last point). */
  result(): SeriesPoint[] {
    const out = this.points.map((p) => ({ ...p }));
    if (this.pending !== null) out.push({ ...this.pending });
    return out;
  }
}
