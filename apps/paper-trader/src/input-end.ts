/** The stop reason of a replay that reached the end of its input, saying how the input ended. */
import type { FeedStats } from "@mmkit/exchange";

/** "end of data", with how the input ended when it was cut or corrupt (from the feed's `extra` counters). */
export function endOfDataReason(extra: Readonly<Record<string, number>>): string {
  if (extra["corruptGzipData"] === 1) return `end of data (${corruptInputText(extra)})`;
  if (extra["truncatedLastLine"] === 1)
    return "end of data (the input ends mid-line: a truncated file, replayed up to the cut)";
  if (extra["truncatedGzip"] === 1)
    return "end of data (the input's gzip ends without its trailer: a truncated file, replayed up to the cut)";
  return "end of data";
}

/** How a replay that ended at corrupt gzip data ended (from the feed's `extra` counters). */
function corruptInputText(extra: Readonly<Record<string, number>>): string {
  const after = extra["corruptGzipAfterLine"];
  if (extra["corruptGzipFoundByChecksum"] !== 1)
    return `corrupt gzip data after line ${after} of the input: replayed up to there, the rest of the file is unreadable`;
  const firstBad = extra["corruptGzipFirstBadLine"];
  return `corrupt gzip data, found by its checksum after line ${after} of the input: the damage lies somewhere before it${firstBad === undefined ? "" : `, the first bad line is ${firstBad}`}; events replayed near it may be garbled, the rest of the file is unreadable`;
}

/** Why a replay that ended without one two-sided order book is an input error (the CLI exits 1). */
export function unusableInputText(input: string, st: FeedStats): string {
  const events = Object.values(st.events).reduce((a, b) => a + b, 0);
  return `no usable market data in ${input}: no two-sided order book arrived (events read: ${events}, invalid messages: ${st.invalidMessages}, ignored: ${st.ignoredMessages}; see the [FEED] warnings), so nothing was quoted`;
}

/** The report of a run whose trader never started: it starts at the first two-sided book, and none came. */
export function noBookReport(stopReason: string, feedLine: string): string[] {
  return [
    "=== EDGE VALIDATION REPORT ===",
    `no two-sided order book arrived, so nothing was quoted (${stopReason})`,
    `Feed: ${feedLine}`,
  ];
}
