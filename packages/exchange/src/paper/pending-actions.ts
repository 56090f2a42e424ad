/** Pending actions: order entries, cancels and modifies queued until their latency elapses. */
import type { ExchangeEvent } from "./events.js";
import * as hs from "./hot-state.js";
import { OrderLifecycle } from "./order-lifecycle.js";
import type { PendingAction } from "./venue-core.js";

// Module-local copies of the hot-array indices, read per event (why: see hot-state.ts).
const { H_PENDING } = hs;

/** The queue of actions waiting for their latency, ordered by (effective time, seq), and running them. */
export abstract class PendingActions extends OrderLifecycle {
  /** Insert into the pending queue, ordered by (effective time, seq); stable for equal keys. */
  protected schedule(a: PendingAction): void {
    const p = this.pending;
    const n = p.length;
    let i = n;
    while (
      i > 0 &&
      (p[i - 1]!.effTsMs > a.effTsMs || (p[i - 1]!.effTsMs === a.effTsMs && p[i - 1]!.seq > a.seq))
    )
      i--;
    if (i === n) p.push(a);
    else {
      p.push(p[n - 1]!);
      for (let k = n - 1; k > i; k--) p[k] = p[k - 1]!;
      p[i] = a;
    }
    if (i === 0) this.refreshPendingHead();
  }

  /** Mirror the first pending action's time into `hot` (+∞ when none). */
  protected refreshPendingHead(): void {
    this.hot[H_PENDING] = this.pending.length > 0 ? this.pending[0]!.effTsMs : Number.POSITIVE_INFINITY;
  }

  /**
   * Run every pending action effective at or before `t`, each at its own effective time. Called
   * only when the clock moves forward (`t` > clock): an action submitted at the clock with zero
   * latency takes effect after every event stamped with that time, still stamped with it. (Every
   * other pending action ends after the clock: each event or `advanceTo` runs those ending by then.)
   */
  protected runPending(t: number, out: ExchangeEvent[]): void {
    // The due actions are a prefix of the queue (nothing below schedules new ones): run them in
    // order, then drop the prefix at once instead of shifting the array once per action.
    const p = this.pending;
    let done = 0;
    try {
      while (done < p.length && p[done]!.effTsMs <= t) {
        const a = p[done++]!;
        this.resolveRecords(a.effTsMs, out, false);
        if (a.kind === "live") this.goLive(a.orderId, a.effTsMs, out);
        else if (a.kind === "cancel") this.cancelNow(a.orderId, a.effTsMs, out);
        else this.modifyNow(a.orderId, a.newOrderId!, a.effTsMs, out);
      }
    } finally {
      if (done > 0) {
        dropFront(p, done);
        this.refreshPendingHead();
      }
    }
  }
}

/** Remove the first `n` items of an array in place. */
function dropFront<T>(a: T[], n: number): void {
  const len = a.length;
  if (n >= len) {
    a.length = 0;
    return;
  }
  for (let k = n; k < len; k++) a[k - n] = a[k]!;
  a.length = len - n;
}
