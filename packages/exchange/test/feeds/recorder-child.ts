/**
 * Child process of `recorder-faults.test.ts` (run with `node --import tsx`): records real events
 * and reports on stdout as one JSON line per step.
 *
 * - `ack DIR N`: records the first N events of the Hyperliquid sample (gzip, every write awaited),
 *   prints `{"acknowledged":N,"files":[…]}` and stays alive until the parent kills it.
 * - `fault DIR GZIP await|burst`: records bbo events into DIR (whose recording file the parent made
 *   unwritable): one at a time until a write rejects, or 20 000 not awaited; then closes; prints how writes and close() ended. The
 *   process must not crash: an uncaught 'error' would exit 1 before the summary line.
 */
import { fileURLToPath } from "node:url";
import type { MarketEvent } from "@mmkit/core";
import { Recorder } from "../../src/feeds/recorder.js";
import { openReplay } from "../../src/feeds/replay.js";

const HL = fileURLToPath(new URL("../../../../data/samples/hyperliquid-btc-20250126.gz", import.meta.url));
const [mode, dir, a, b] = process.argv.slice(2);
const print = (o: unknown): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

if (mode === "ack") {
  const n = Number(a);
  const events = [...openReplay(HL).events()].slice(0, n);
  const rec = new Recorder({ dir: dir!, source: "hyperliquid:BTC" });
  for (const e of events) await rec.write(e);
  print({ acknowledged: rec.eventsWritten, files: rec.files() });
  setInterval(() => {}, 60_000); // a live recorder idles until the next event: killed here
} else if (mode === "fault") {
  const t = Date.UTC(2025, 0, 1);
  const rec = new Recorder({ dir: dir!, source: "hl", gzip: a === "gzip", nowMs: () => t });
  const bbo = (i: number): MarketEvent => ({
    type: "bbo",
    exchangeTsMs: t + i,
    localTsMs: t + i,
    bbo: { bidPrice: 1, bidSize: 1, askPrice: 2, askSize: 1 },
  });
  const writeErrors: string[] = [];
  let resolved = 0;
  if (b === "await") {
    // until a write rejects (the error arrives asynchronously), with a deadline
    const until = Date.now() + 20_000;
    for (let i = 0; writeErrors.length === 0 && Date.now() < until; i++) {
      try {
        await rec.write(bbo(i));
        resolved++;
      } catch (e) {
        writeErrors.push(message(e));
      }
      await new Promise((r) => setImmediate(r)); // a live feed: the next event comes a bit later
    }
  } else {
    // a burst: writes that wait for "drain" must settle (reject), never hang
    const settled = await Promise.allSettled(Array.from({ length: 20_000 }, (_, i) => rec.write(bbo(i))));
    for (const s of settled)
      if (s.status === "fulfilled") resolved++;
      else writeErrors.push(message(s.reason));
  }
  let closeError: string | null = null;
  try {
    await rec.close();
  } catch (e) {
    closeError = message(e);
  }
  print({ resolved, writeErrors: writeErrors.length, firstWriteError: writeErrors[0] ?? null, closeError });
}
