/**
 * A tiny seeded PRNG (mulberry32) for bootstrap resampling and reservoir sampling. Analytics has no
 * internal dependencies, so it cannot use @mmkit/core's Rng; this one is deterministic per seed.
 */

import { readInt, readVersioned } from "./checkpoint.js";

/** Checkpoint of a {@link SeededRandom}: its 32-bit internal state. */
export interface SeededRandomState {
  version: 1;
  /** Unsigned 32-bit generator state. */
  state: number;
}

/** Seeded uniform generator in [0, 1). */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`SeededRandom: seed must be an integer, got ${seed}`);
    this.state = seed >>> 0;
  }

  /** Next uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** JSON-safe checkpoint of the generator (continuing from it reproduces the same stream). */
  getState(): SeededRandomState {
    return { version: 1, state: this.state };
  }

  /** Restore from {@link getState} output (validated; throws naming the bad field). */
  setState(state: SeededRandomState, where = "SeededRandom state"): void {
    const r = readVersioned(state, where);
    const st = readInt(r, "state", where);
    if (st > 0xffffffff) throw new Error(`${where}.state: expected an unsigned 32-bit integer, got ${st}`);
    this.state = st;
  }
}
