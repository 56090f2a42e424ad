/** Checkpoint of the lead–lag signal: its zod schema and type. */
import { z } from "zod";

const finite = z.number().finite();
const timedMid = z.object({ mid: z.number().positive().finite(), tsMs: finite });

/** zod schema of `LeadLagSignal.getState()` (ring entries are null for invalid grid samples). */
export const LeadLagStateSchema = z.object({
  reference: timedMid.nullable(),
  local: timedMid.nullable(),
  nextGridMs: finite.nullable(),
  basisBps: finite.nullable(),
  basisSamples: z.number().int().nonnegative(),
  devBps: z.array(finite.nullable()),
  lnLocal: z.array(finite.nullable()),
  head: z.number().int().nonnegative(),
  invalidRun: z.number().int().nonnegative(),
  sumW: finite,
  sumW2: finite,
  sumDD: finite,
  sumDY: finite,
  sumYY: finite,
  pairs: z.number().int().nonnegative(),
});

/** Serializable state of the lead–lag signal. */
export type LeadLagState = z.infer<typeof LeadLagStateSchema>;

/** The state of a signal that has seen nothing, for `k` grid samples per horizon. */
export function freshLeadLagState(k: number): LeadLagState {
  return {
    reference: null,
    local: null,
    nextGridMs: null,
    basisBps: null,
    basisSamples: 0,
    devBps: new Array<null>(k).fill(null),
    lnLocal: new Array<null>(k).fill(null),
    head: 0,
    invalidRun: k,
    sumW: 0,
    sumW2: 0,
    sumDD: 0,
    sumDY: 0,
    sumYY: 0,
    pairs: 0,
  };
}
