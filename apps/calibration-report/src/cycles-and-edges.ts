/** Time-merged reading of signal_contributions and edge_validation, so attribution sees each fill's placing cycle first. */
import { STREAM_FILES, type SignalContributionsRecord } from "@mmkit/analytics";
import { openStream } from "./inputs.js";
import { type ReadContext, RecordPos } from "./read-context.js";
import type { CalibrationSection } from "./sections/calibration.js";
import type { EdgeSection } from "./sections/edge.js";

/**
 * Stream signal_contributions and edge_validation merged by time: every cycle at or before a fill is
 * fed first (cycles place orders before those fill), so attribution sees the placing cycle.
 */
export async function consumeCyclesAndEdges(
  ctx: ReadContext,
  section: EdgeSection,
  calibration: CalibrationSection,
): Promise<void> {
  const cs = await openStream(ctx.dir, "signal_contributions", ctx.issues);
  const es = await openStream(ctx.dir, "edge_validation", ctx.issues);
  const cIt = cs.batches();
  const cAt = new RecordPos(cs);
  const eAt = new RecordPos(es);
  let cBatch: SignalContributionsRecord[] = [];
  let cPos = 0;
  let cDone = false;
  const peekCycle = async (): Promise<SignalContributionsRecord | null> => {
    for (;;) {
      while (cPos >= cBatch.length) {
        if (cDone) return null;
        const n = await cIt.next();
        if (n.done) {
          cDone = true;
          return null;
        }
        cBatch = n.value;
        cPos = 0;
        cAt.batch();
      }
      const c = cBatch[cPos]!;
      // an implausible time would hold back every later cycle in the merge: drop it here
      if (ctx.plausible("signal_contributions", c.ts_ms, cAt.next())) return c;
      cPos++;
    }
  };
  const takeCycle = (c: SignalContributionsRecord): void => {
    cPos++;
    // a cycle outside the time window still placed orders that may fill inside it
    if (!ctx.keep("signal_contributions", c.ts_ms)) {
      section.rememberCycle(c);
      return;
    }
    cs.summary.used++;
    section.addCycle(c);
  };
  for await (const batch of es.batches()) {
    eAt.batch();
    for (const r of batch) {
      if (!ctx.plausible("edge_validation", r.ts_ms, eAt.next())) continue;
      for (let c = await peekCycle(); c !== null && c.ts_ms <= r.ts_ms; c = await peekCycle()) takeCycle(c);
      if (!ctx.keep("edge_validation", r.ts_ms)) continue;
      es.summary.used++;
      calibration.addEdge(r);
      try {
        section.addEdge(r);
      } catch (err) {
        ctx.issues.add(
          `${STREAM_FILES.edge_validation} fill ${r.fill_id}`,
          `edge not tracked: ${(err as Error).message}`,
        );
      }
    }
  }
  for (let c = await peekCycle(); c !== null; c = await peekCycle()) takeCycle(c);
  cs.finish();
  es.finish();
  ctx.done(cs.summary);
  ctx.done(es.summary);
}
