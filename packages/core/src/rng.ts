/** Full generator state: the xoshiro words plus the spare normal of the polar method (null if none). */
export interface RngCheckpoint {
  state: [number, number, number, number];
  spareNormal: number | null;
}

/**
 * Seeded pseudo-random numbers (xoshiro128** seeded by splitmix32). Deterministic across platforms.
 * The words are kept as signed 32-bit integers (V8 stores them unboxed; unsigned words above 2^31
 * would be heap numbers and every draw would allocate) and exposed unsigned by `getState`.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private hasSpare = false;
  private spare = 0;

  /** Create a generator from an integer seed (taken mod 2^32; RangeError for a non-integer). */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`Rng: seed must be an integer, got ${seed}`);
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) | 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const x = Math.imul(this.s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    this.step();
    return result;
  }

  /** Uniform in [0, 1) with 53 bits of precision (two words: 27 high bits, 26 low bits). */
  next(): number {
    let x = Math.imul(this.s1, 5);
    const hi = Math.imul((x << 7) | (x >>> 25), 9) >>> 5;
    this.step();
    x = Math.imul(this.s1, 5);
    const lo = Math.imul((x << 7) | (x >>> 25), 9) >>> 6;
    this.step();
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Advance the xoshiro128 state by one word. */
  private step(): void {
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
  }

  /** Uniform in [min, max) (min when min = max); RangeError unless min <= max, both finite. */
  uniform(min: number, max: number): number {
    const width = max - min;
    if (!(width >= 0 && width < Number.POSITIVE_INFINITY)) {
      throw new RangeError(`Rng.uniform: need finite min <= max, got min=${min} max=${max}`);
    }
    return min + width * this.next();
  }

  /** Uniform integer in [0, n); RangeError unless n is an integer in [1, 2^53). */
  int(n: number): number {
    if (!(n >= 1 && n <= Number.MAX_SAFE_INTEGER) || Math.floor(n) !== n) {
      throw new RangeError(`Rng.int: n must be an integer >= 1, got ${n}`);
    }
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** Exponential with the given rate (mean 1/rate); rate 0 gives +Infinity (never), rate < 0 or NaN a RangeError. */
  exponential(rate: number): number {
    if (!(rate >= 0)) throw new RangeError(`Rng.exponential: rate must be >= 0, got ${rate}`);
    return -Math.log(1 - this.next()) / rate;
  }

  /** Bernoulli trial with probability p in [0, 1] (RangeError otherwise). */
  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Rng.bernoulli: p must be in [0, 1], got ${p}`);
    return this.next() < p;
  }

  /** Full serializable state incl. a pending spare normal (use for checkpoints that must replay exactly). */
  getCheckpoint(): RngCheckpoint {
    return { state: this.getState(), spareNormal: this.hasSpare ? this.spare : null };
  }

  /** Restore a `getCheckpoint()` value (RangeError for an invalid state or a non-finite spare). */
  setCheckpoint(cp: RngCheckpoint): void {
    if (cp.spareNormal !== null && !Number.isFinite(cp.spareNormal)) {
      throw new RangeError(`Rng.setCheckpoint: spareNormal must be finite or null, got ${cp.spareNormal}`);
    }
    this.setState(cp.state);
    if (cp.spareNormal !== null) {
      this.hasSpare = true;
      this.spare = cp.spareNormal;
    }
  }

  /** Serializable generator state (unsigned words); a pending spare normal is not included (see getCheckpoint). */
  getState(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /**
   * Restore a state from `getState()`: four integer words in [0, 2^32), not all 0 (xoshiro's
   * all-zero state is a fixed point that returns 0 forever). RangeError otherwise, state unchanged.
   */
  setState(state: readonly [number, number, number, number]): void {
    if (!Array.isArray(state) || state.length !== 4) {
      throw new RangeError("Rng.setState: state must be an array of 4 words");
    }
    for (let i = 0; i < 4; i++) {
      const w = state[i]!;
      if (!(Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
        throw new RangeError(`Rng.setState: word ${i} must be an integer in [0, 2^32), got ${w}`);
      }
    }
    if ((state[0] | state[1] | state[2] | state[3]) === 0) {
      throw new RangeError("Rng.setState: the all-zero state is invalid for xoshiro128**");
    }
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
    this.hasSpare = false;
    this.spare = 0;
  }
}
