/** Memo of a pure function's last argument and result, and the integrator's set of ln / exp memos. */

/**
 * Memo of a pure function's last argument and result: multipliers repeat from cycle to cycle, and
 * the same argument gives the same bits (ln ±0 and exp ±0 agree, so `===` is a safe key).
 */
export class LastValue {
  private x = Number.NaN;
  private y = Number.NaN;
  constructor(private readonly f: (x: number) => number) {}

  get(x: number): number {
    if (x === this.x) return this.y;
    const y = this.f(x);
    this.x = x;
    this.y = y;
    return y;
  }
}

/** The integrator's memos of ln / exp (see `LastValue`). */
export interface Memos {
  lnK: LastValue;
  lnG: LastValue;
  expK: LastValue;
  expG: LastValue;
  lnRegimeK: LastValue;
  lnRegimeG: LastValue;
}
