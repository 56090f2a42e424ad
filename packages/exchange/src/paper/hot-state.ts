/** The per-event numbers of the paper venue: indices into its `hot` and `bounds` arrays, and their initial values. */
// Modules reading them on per-event paths copy them into module-local consts (`const { H_X } = hs`):
// V8 folds a module's own constants into optimized code but reloads an imported binding at each use.

// Indices into VenueCore.hot: at most 8 doubles, so that V8 keeps the array's storage on the heap
// next to it (no separate backing store to fetch).
/** Effective time of the first pending action (+∞ when none). */
export const H_PENDING = 0;
/** Next record deadline (maintained by RecordTracker.mirrorDeadline). */
export const H_DEADLINE = 1;
/** The exchange clock (VenueCore.clockMs). */
export const H_CLOCK = 2;
/** Our highest bid and lowest ask (NaN for a side with none). */
export const H_BID_HI = 3;
export const H_ASK_LO = 4;
/** The highest virtual bid and lowest virtual ask (maintained by VirtualBook). */
export const H_VBID_HI = 5;
export const H_VASK_LO = 6;

// Indices into VenueCore.bounds: the outer bounds, only needed for deltas.
/** Our lowest bid and highest ask. */
export const H2_BID_LO = 0;
export const H2_ASK_HI = 1;
/** The lowest virtual bid and highest virtual ask (maintained by VirtualBook). */
export const H2_VBID_LO = 2;
export const H2_VASK_HI = 3;

export function newHot(): Float64Array {
  const h = new Float64Array(8);
  h.fill(Number.NaN);
  h[H_PENDING] = Number.POSITIVE_INFINITY;
  h[H_DEADLINE] = Number.POSITIVE_INFINITY;
  h[H_CLOCK] = 0;
  return h;
}

export function newBounds(): Float64Array {
  return new Float64Array([Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
}
