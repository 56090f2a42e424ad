/**
 * How late a feed's frames arrive. A frame's local receipt time minus the venue's own stamp is the
 * clock offset between the two machines plus the delivery latency; its minimum over the last
 * `windowMs` stands for the offset plus the base latency, and what a frame shows above that
 * minimum is its excess delay. The frame's venue stamp moved onto the local clock by the minimum
 * is when its content was current ("as of"): a frame delivered 3 s late is 3 s old on arrival,
 * though its receipt time says it is fresh.
 *
 * The minimum is kept per slot (windowMs / 60 each) in a ring: 60 numbers of state whatever the
 * frame rate, so it checkpoints small. The base is the third smallest slot minimum (the smallest
 * while fewer than three slots have frames: a run's first seconds), not the smallest: a glitch confined
 * to one or two slots — one frame stamped an hour ahead by a venue's clock hiccup — would otherwise
 * make every normal frame look an hour late for a whole window. A frame below the base (a lower
 * latency, a venue clock stepping ahead) is not late: its excess is 0. A permanent rise of the
 * latency (a new route) counts as delay until it has been the base for a whole window.
 */

/** Slot minima ranked for the base: the k-th smallest (see the module comment). */
const BASE_RANK = 3;

/** Slots of the sliding minimum. */
const SLOTS = 60;

/** Checkpoint of a {@link FeedDelayTracker} (JSON: an empty slot is null). */
export interface FeedDelayState {
  version: 1;
  windowMs: number;
  curSlot: number | null;
  mins: (number | null)[];
  frames: number;
  lateFrames: number;
  maxExcessMs: number;
}

/** Sliding-minimum estimate of a feed's clock offset and base latency; see the module comment. */
export class FeedDelayTracker {
  /** Length of the window the minimum is taken over, ms. */
  readonly windowMs: number;
  /** Excess delay (ms) from which a frame counts as late in {@link lateFrames}. */
  readonly lateMs: number;
  private readonly slotMs: number;
  private readonly mins = new Float64Array(SLOTS).fill(Number.POSITIVE_INFINITY);
  private curSlot: number | null = null;
  /** The base: the BASE_RANK-th smallest slot minimum (see the module comment). */
  private base = Number.POSITIVE_INFINITY;
  /** Frames with both stamps finite. */
  frames = 0;
  /** Frames whose excess delay exceeded `lateMs`. */
  lateFrames = 0;
  /** Largest excess delay seen, ms. */
  maxExcessMs = 0;
  /** Excess delay of the last frame, ms. */
  lastExcessMs = 0;

  constructor(options: { windowMs?: number; lateMs?: number } = {}) {
    this.windowMs = options.windowMs ?? 600_000;
    this.lateMs = options.lateMs ?? 1000;
    if (!(this.windowMs > 0 && Number.isFinite(this.windowMs)))
      throw new Error(`FeedDelayTracker: windowMs must be a finite number > 0, got ${this.windowMs}`);
    if (!(this.lateMs >= 0)) throw new Error(`FeedDelayTracker: lateMs must be >= 0, got ${this.lateMs}`);
    this.slotMs = this.windowMs / SLOTS;
  }

  /**
   * One frame received at `localTsMs` with the venue's stamp `exchangeTsMs`: returns the local time
   * its content was current (≤ `localTsMs`; `localTsMs` itself when a stamp is not finite).
   */
  asOfMs(localTsMs: number, exchangeTsMs: number): number {
    if (!Number.isFinite(localTsMs) || !Number.isFinite(exchangeTsMs)) return localTsMs;
    const offset = localTsMs - exchangeTsMs;
    const slot = Math.floor(localTsMs / this.slotMs);
    if (this.curSlot === null || slot > this.curSlot) this.rotateTo(slot);
    const k = (((this.curSlot ?? slot) % SLOTS) + SLOTS) % SLOTS;
    if (offset < this.mins[k]!) {
      this.mins[k] = offset;
      this.base = rankedBase(this.mins);
    }
    const excess = Math.max(0, offset - this.base);
    this.frames++;
    this.lastExcessMs = excess;
    if (excess > this.maxExcessMs) this.maxExcessMs = excess;
    if (excess > this.lateMs) this.lateFrames++;
    return localTsMs - excess;
  }

  /** Start slot `slot`: the slots it passes are emptied and the minimum is taken over what is left. */
  private rotateTo(slot: number): void {
    const from = this.curSlot === null ? slot - SLOTS : this.curSlot;
    const steps = Math.min(SLOTS, slot - from);
    for (let i = 1; i <= steps; i++) this.mins[(((slot - steps + i) % SLOTS) + SLOTS) % SLOTS] = Infinity;
    this.curSlot = slot;
    this.base = rankedBase(this.mins);
  }

  /** JSON-safe checkpoint. */
  getState(): FeedDelayState {
    return {
      version: 1,
      windowMs: this.windowMs,
      curSlot: this.curSlot,
      mins: Array.from(this.mins, (v) => (Number.isFinite(v) ? v : null)),
      frames: this.frames,
      lateFrames: this.lateFrames,
      maxExcessMs: this.maxExcessMs,
    };
  }

  /** Restore {@link getState} output (same windowMs); throws naming the bad field and leaves this unchanged. */
  setState(s: FeedDelayState, where = "FeedDelayTracker state"): void {
    const bad = (field: string, want: string, got: unknown): Error =>
      new Error(`${where}.${field}: expected ${want}, got ${JSON.stringify(got)}`);
    if (s === null || typeof s !== "object") throw new Error(`${where}: expected an object`);
    if (s.version !== 1) throw bad("version", "1", s.version);
    if (s.windowMs !== this.windowMs) throw bad("windowMs", String(this.windowMs), s.windowMs);
    if (!(s.curSlot === null || Number.isSafeInteger(s.curSlot)))
      throw bad("curSlot", "an integer or null", s.curSlot);
    if (!Array.isArray(s.mins) || s.mins.length !== SLOTS) throw bad("mins", `${SLOTS} entries`, s.mins);
    s.mins.forEach((v, i) => {
      if (!(v === null || (typeof v === "number" && Number.isFinite(v))))
        throw bad(`mins[${i}]`, "a finite number or null", v);
    });
    for (const f of ["frames", "lateFrames"] as const)
      if (!Number.isSafeInteger(s[f]) || s[f] < 0) throw bad(f, "an integer >= 0", s[f]);
    if (!(typeof s.maxExcessMs === "number" && s.maxExcessMs >= 0 && Number.isFinite(s.maxExcessMs)))
      throw bad("maxExcessMs", "a finite number >= 0", s.maxExcessMs);
    this.curSlot = s.curSlot;
    s.mins.forEach((v, i) => {
      this.mins[i] = v ?? Number.POSITIVE_INFINITY;
    });
    this.base = rankedBase(this.mins);
    this.frames = s.frames;
    this.lateFrames = s.lateFrames;
    this.maxExcessMs = s.maxExcessMs;
  }
}

/** The BASE_RANK-th smallest finite slot minimum, or the smallest while there are fewer; +∞ when there is none. */
function rankedBase(mins: Float64Array): number {
  const low = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  let n = 0;
  for (let i = 0; i < mins.length; i++) {
    const v = mins[i]!;
    if (v === Number.POSITIVE_INFINITY) continue;
    n++;
    // keep the three smallest, ascending
    if (v < low[2]!) {
      if (v < low[1]!) {
        low[2] = low[1]!;
        if (v < low[0]!) {
          low[1] = low[0]!;
          low[0] = v;
        } else low[1] = v;
      } else low[2] = v;
    }
  }
  return n < BASE_RANK ? low[0]! : low[BASE_RANK - 1]!;
}
