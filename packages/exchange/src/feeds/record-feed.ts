/** Recording a feed: a feed teed into a `Recorder`, its events passed on unchanged. */
import type { MarketEvent } from "@mmkit/core";
import type { Recorder } from "./recorder.js";
import type { FeedStats, MarketDataFeed } from "./types.js";

/** Options of `recordFeed`. */
export interface RecordFeedOptions {
  /**
   * Called once with the recorder's first error (a write's, or one `close()` reports, e.g. disk
   * full): the feed then goes on unrecorded — the consumer still gets every event, and neither the
   * iteration nor `close()` throws it. Without it the error is thrown to the consumer.
   */
  onError?: (err: Error) => void;
}

/**
 * Tee a feed into a recorder: iterating the returned feed yields the source's events unchanged
 * and writes each to the recorder. Closing it closes the source, records the events the source
 * still had buffered and closes the recorder (resolved: the recording is complete); an iteration
 * in progress still yields those events, then ends. It never waits on the consumer, so it may be
 * called from inside the loop or from a signal handler.
 */
export function recordFeed(
  feed: MarketDataFeed,
  recorder: Recorder,
  opts: RecordFeedOptions = {},
): MarketDataFeed {
  let source: AsyncIterator<MarketEvent> | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let failed: Error | null = null;
  const onError = opts.onError;
  /**
   * With `onError`: report the first error once, swallow it and every later one; after it, writes
   * are skipped (`close()` still runs: files rotated out before the error are finished).
   */
  const recorded = async (p: () => Promise<void>, always = false): Promise<void> => {
    if (onError === undefined) return p();
    if (failed !== null && !always) return;
    try {
      await p();
    } catch (err) {
      if (failed !== null) return;
      failed = err instanceof Error ? err : new Error(String(err));
      onError(failed);
    }
  };
  /** The next source event, recorded; serialized, so the iteration and `close()` never overlap on the source. */
  const pull = (): Promise<IteratorResult<MarketEvent>> => {
    const it = source!;
    const next = queue.then(async () => {
      const r = await it.next();
      if (r.done !== true) await recorded(() => recorder.write(r.value));
      return r;
    });
    queue = next.catch(() => {});
    return next;
  };
  /** Events `close()` recorded after the source ended, still to be yielded by the iteration. */
  const handedOver: MarketEvent[] = [];
  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    await feed.close();
    try {
      if (source !== null)
        for (let r = await pull(); r.done !== true; r = await pull()) handedOver.push(r.value);
    } finally {
      await recorded(() => recorder.close(), true);
    }
  };
  return {
    name: `${feed.name}+recorder`,
    stats: (): FeedStats => feed.stats(),
    close: (): Promise<void> => {
      closing ??= close();
      return closing;
    },
    [Symbol.asyncIterator]: async function* (): AsyncGenerator<MarketEvent> {
      source = feed[Symbol.asyncIterator]();
      let done = false;
      try {
        while (closing === null) {
          const r = await pull();
          if (r.done === true) break;
          yield r.value;
        }
        if (closing !== null) {
          // close() drains the source into the recording; its error (if any) is close()'s to report
          await closing.catch(() => {});
          yield* handedOver.splice(0);
        }
        done = true;
      } finally {
        // (after close() began, close() owns the source and the recorder)
        if (closing === null) {
          if (!done) await source.return?.(); // an early exit (break, throw) releases the source
          await recorded(() => recorder.close(), true);
        }
      }
    },
  };
}
