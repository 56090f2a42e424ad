/** When a run writes its periodic checkpoint: each `--checkpoint-every-min` of market time, paced in wall time. */

/** Minimum wall time between periodic checkpoints (a max-speed replay would otherwise write one every few ms). */
export const CHECKPOINT_MIN_WALL_MS = 2000;

/**
 * Market time from a run's first event to its first checkpoint: soon, so a run killed early is still
 * resumable (a live run, a replay at 1x or a slow synthetic market would otherwise wait an interval).
 */
export const FIRST_CHECKPOINT_MS = 10_000;

/** Decides, event by event, whether a periodic checkpoint is due. */
export class CheckpointPacer {
  private readonly everyMs: number;
  private nextMs = Number.NaN;
  private lastWallMs = Date.now();

  private readonly firstAfterMs: number;

  /**
   * `everyMs`: market time between checkpoints; `firstAfterMs`: market time from the first event to
   * the first checkpoint (at most `everyMs`). The wall-time pacing starts now.
   */
  constructor(everyMs: number, firstAfterMs = FIRST_CHECKPOINT_MS) {
    this.everyMs = everyMs;
    this.firstAfterMs = Math.min(firstAfterMs, everyMs);
  }

  /** Whether to write a checkpoint at market time `tsMs` (the first call starts the interval). */
  due(tsMs: number): boolean {
    if (Number.isNaN(this.nextMs)) this.nextMs = tsMs + this.firstAfterMs;
    if (tsMs >= this.nextMs) {
      this.nextMs = tsMs + this.everyMs;
      // Fast replays cover minutes of market in milliseconds: at most one checkpoint per
      // CHECKPOINT_MIN_WALL_MS of wall time (the next one comes one interval later).
      const wallMs = Date.now();
      if (wallMs - this.lastWallMs >= CHECKPOINT_MIN_WALL_MS) {
        this.lastWallMs = wallMs;
        return true;
      }
    }
    return false;
  }
}
