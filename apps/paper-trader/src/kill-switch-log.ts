import type { RiskTransition } from "@mmkit/core";
import type { PaperTrader } from "./trader.js";

/** Identity of a kill-switch transition (for logging each one once). */
export interface RiskTransitionKey {
  tsMs: number;
  to: string;
  reason: string;
}

/** Transitions in `all` that come after the last one already logged (matched by time and reason). */
export function newTransitions(
  all: readonly RiskTransition[],
  last: RiskTransitionKey | null,
): readonly RiskTransition[] {
  if (last === null) return all;
  for (let i = all.length - 1; i >= 0; i--) {
    const t = all[i]!;
    if (t.tsMs === last.tsMs && t.reason === last.reason && t.to === last.to) return all.slice(i + 1);
  }
  return all;
}

/** Log, record (events.jsonl) and export the kill switch's transitions the trader has not reported yet. */
export function logTransitions(trader: PaperTrader): void {
  const p = trader.p;
  const c = trader.counters;
  // The transition log is bounded: log only the ones after the last logged one.
  for (const t of newTransitions(p.killSwitch.transitions(), c.lastTransition)) {
    p.logger.warn(`[KILL SWITCH] ${t.from} -> ${t.to}: ${t.reason}`);
    trader.writeEvent(t.tsMs, "kill_switch", { from: t.from, to: t.to, reason: t.reason });
    p.metrics?.setRiskState(t.to);
    c.lastTransition = { tsMs: t.tsMs, to: t.to, reason: t.reason };
  }
}
