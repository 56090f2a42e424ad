/** Spans of time with no market data (feed outages, recording gaps): outcomes that depend on them are unknown. */
import type { PredictionRecord } from "./events.js";

/** A span [startMs, endMs) without market data; endMs is +∞ while the outage lasts. */
export type UnobservedSpan = [startMs: number, endMs: number];

/**
 * The recent unobserved spans, in time order. A markout horizon ending inside one has no known
 * mid, and a fill-outcome window overlapping one is not known to have filled or not: both are
 * censored (null), never scored as if the last mid before the outage had held.
 */
export class UnobservedSpans {
  private spans: UnobservedSpan[] = [];

  /** Whether no span is kept (the common case: callers skip the checks). */
  get isEmpty(): boolean {
    return this.spans.length === 0;
  }

  /** An outage started at `startMs` (open-ended until {@link end}); a no-op if it is already open. */
  begin(startMs: number): void {
    const last = this.spans[this.spans.length - 1];
    if (last !== undefined && last[1] === Number.POSITIVE_INFINITY) return;
    this.spans.push([startMs, Number.POSITIVE_INFINITY]);
  }

  /** Market data came again at `endMs`: the open outage (if any) ends there. */
  end(endMs: number): void {
    const last = this.spans[this.spans.length - 1];
    if (last !== undefined && last[1] === Number.POSITIVE_INFINITY) last[1] = Math.max(last[0], endMs);
  }

  /** Whether instant `tsMs` lies strictly inside a span (no market data at or around it). */
  covers(tsMs: number): boolean {
    for (const [s, e] of this.spans) if (s < tsMs && tsMs < e) return true;
    return false;
  }

  /** Whether the window (fromMs, toMs] overlaps a span. */
  overlaps(fromMs: number, toMs: number): boolean {
    for (const [s, e] of this.spans) if (s < toMs && e > fromMs) return true;
    return false;
  }

  /** Censor (null) each horizon of a prediction whose fill window (live, live + h] overlaps a span. */
  censorFillWindows(record: PredictionRecord, horizonsMs: readonly number[]): void {
    for (let i = 0; i < horizonsMs.length; i++)
      if (record.filled[i] !== null && this.overlaps(record.liveTsMs, record.liveTsMs + horizonsMs[i]!))
        record.filled[i] = null;
  }

  /** Forget the closed spans that end at or before `tsMs` (no open record can depend on them). */
  pruneBefore(tsMs: number): void {
    let k = 0;
    while (k < this.spans.length && this.spans[k]![1] <= tsMs) k++;
    if (k > 0) this.spans = this.spans.slice(k);
  }

  /** The spans for a checkpoint (an open end as null: JSON has no infinity). */
  toState(): [number, number | null][] {
    return this.spans.map(([s, e]) => [s, e === Number.POSITIVE_INFINITY ? null : e]);
  }

  /** Restore {@link toState}'s spans. */
  fromState(spans: readonly (readonly [number, number | null])[] | undefined): void {
    this.spans = (spans ?? []).map(([s, e]) => [s, e ?? Number.POSITIVE_INFINITY]);
  }
}
