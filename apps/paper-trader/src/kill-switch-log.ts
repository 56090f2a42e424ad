import type { RiskTransition } from "@mmkit/core";

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
