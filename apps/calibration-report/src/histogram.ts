/** Fixed-grid streaming histogram with under/overflow, coarsened for display. */

/** One displayed histogram bar: [lo, hi) with its count. */
export interface HistogramBin {
  lo: number;
  hi: number;
  count: number;
}

/** A display histogram: bars plus how many samples fell outside them. */
export interface HistogramView {
  bins: HistogramBin[];
  below: number;
  above: number;
  total: number;
}

/** Streaming histogram on a fine fixed grid [lo, hi) so memory stays constant for any input size. */
export class FixedHistogram {
  private readonly counts: Float64Array;
  private readonly width: number;
  private under = 0;
  private over = 0;
  private n = 0;

  constructor(
    private readonly lo = -200,
    private readonly hi = 200,
    private readonly fineBins = 1600,
  ) {
    if (!(hi > lo) || !Number.isInteger(fineBins) || fineBins < 1) {
      throw new Error(
        `histogram needs hi > lo and integer fineBins >= 1 (lo=${lo}, hi=${hi}, bins=${fineBins})`,
      );
    }
    this.counts = new Float64Array(fineBins);
    this.width = (hi - lo) / fineBins;
  }

  /** Add one value; non-finite values are ignored. */
  add(x: number): void {
    if (!Number.isFinite(x)) return;
    this.n++;
    if (x < this.lo) this.under++;
    else if (x >= this.hi) this.over++;
    else this.counts[Math.min(this.fineBins - 1, Math.floor((x - this.lo) / this.width))]!++;
  }

  /** Number of finite values added. */
  get total(): number {
    return this.n;
  }

  /** Value below which a fraction `q` of in-grid mass lies (fine-bin resolution). */
  private quantileEdge(q: number): number {
    const target = q * this.n;
    let cum = this.under;
    if (cum >= target) return this.lo;
    for (let i = 0; i < this.fineBins; i++) {
      cum += this.counts[i]!;
      if (cum >= target) return this.lo + (i + 1) * this.width;
    }
    return this.hi;
  }

  /**
   * Coarsen into at most `bars` equal bars spanning the central mass ([q, 1-q] quantiles, snapped to the
   * fine grid); the rest is reported as below/above.
   */
  view(bars = 30, q = 0.005): HistogramView {
    if (this.n === 0) return { bins: [], below: 0, above: 0, total: 0 };
    let a = this.quantileEdge(q) - this.width;
    let b = this.quantileEdge(1 - q);
    a = Math.max(this.lo, a);
    b = Math.min(this.hi, Math.max(b, a + this.width));
    const iA = Math.round((a - this.lo) / this.width);
    const iB = Math.round((b - this.lo) / this.width);
    const span = Math.max(1, iB - iA);
    const per = Math.max(1, Math.ceil(span / bars));
    const bins: HistogramBin[] = [];
    let below = this.under;
    let above = this.over;
    for (let i = 0; i < iA; i++) below += this.counts[i]!;
    for (let i = iA; i < iA + span; i += per) {
      let c = 0;
      const end = Math.min(this.fineBins, i + per);
      for (let j = i; j < end; j++) c += this.counts[j]!;
      bins.push({ lo: this.lo + i * this.width, hi: this.lo + end * this.width, count: c });
    }
    const last = Math.min(this.fineBins, iA + Math.ceil(span / per) * per);
    for (let i = last; i < this.fineBins; i++) above += this.counts[i]!;
    return { bins, below, above, total: this.n };
  }
}
