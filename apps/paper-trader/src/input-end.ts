/** The stop reason of a replay that reached the end of its input, saying how the input ended. */

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
