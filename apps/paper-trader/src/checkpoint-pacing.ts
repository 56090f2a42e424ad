/** When a run writes its periodic checkpoint: each `--checkpoint-every-min` of market time, paced in wall time. */

/** Minimum wall time between periodic checkpoints (a max-speed replay would otherwise write one every few ms). */
export const CHECKPOINT_MIN_WALL_MS = 2000;

/**
 * Market time from a run's first event to its first checkpoint: soon, so a run killed early is still
 * resumable (a live run, a replay at 1x or a slow synthetic market would otherwise wait an interval).
 */
export const FIRST_CHECKPOINT_MS = 10_000;

/** While a due checkpoint waits for the wall-time pacing, the clock is read once per this many calls (under 1 s at a live ~100 events/s). */
const WALL_CHECK_EVERY_CALLS = 64;

/** Decides, event by event, whether a periodic checkpoint is due. */
export class CheckpointPacer {
  private readonly everyMs: number;
  private nextMs = Number.NaN;
  /** Wall time of the last checkpoint written (none yet: the first is not paced, so a fast run killed in its first seconds can resume). */
  private lastWallMs = Number.NEGATIVE_INFINITY;
  private callsUntilWallCheck = 0;

  private readonly firstAfterMs: number;

  /**
   * `everyMs`: market time between checkpoints; `firstAfterMs`: market time from the first event to
   * the first checkpoint (at most `everyMs`). The wall-time pacing starts with the first checkpoint.
   */
  constructor(everyMs: number, firstAfterMs = FIRST_CHECKPOINT_MS) {
    this.everyMs = everyMs;
    this.firstAfterMs = Math.min(firstAfterMs, everyMs);
  }

  /** Whether to write a checkpoint at market time `tsMs` (the first call starts the interval). */
  due(tsMs: number): boolean {
    if (Number.isNaN(this.nextMs)) this.nextMs = tsMs + this.firstAfterMs;
    if (tsMs < this.nextMs) return false;
    // Fast replays cover minutes of market in milliseconds: at most one checkpoint per
    // CHECKPOINT_MIN_WALL_MS of wall time. A due checkpoint held back by it stays due and is
    // written as soon as that time has passed (it used to wait a whole interval more, so a fast
    // replay killed in its first seconds had no checkpoint to resume from).
    if (this.callsUntilWallCheck > 0) {
      this.callsUntilWallCheck--;
      return false;
    }
    const wallMs = Date.now();
    if (wallMs - this.lastWallMs < CHECKPOINT_MIN_WALL_MS) {
      this.callsUntilWallCheck = WALL_CHECK_EVERY_CALLS;
      return false;
    }
    this.lastWallMs = wallMs;
    this.nextMs = tsMs + this.everyMs;
    return true;
  }
}
