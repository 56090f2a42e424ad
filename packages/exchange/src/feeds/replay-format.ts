/** Replay formats: recognizing a recording or raw capture from the start of its (decompressed) content. */
import { closeSync, openSync, readSync } from "node:fs";
import { splitCaptureLine } from "./capture-line.js";
import { gunzipSalvage, isGzip } from "./gzip-salvage.js";
import { isRecordingHeader } from "./recording.js";

/** File formats `openReplay` recognizes from content. */
export type ReplayFormat = "recording" | "binance-capture" | "hyperliquid-capture";

/** Detect the format from the first non-empty line of the (decompressed) content. */
export function detectReplayFormat(firstLine: string): ReplayFormat {
  const line = firstLine.trim();
  if (isRecordingHeader(line)) return "recording";
  const parts = splitCaptureLine(line);
  if (parts) {
    if (/^\{\s*"channel"/.test(parts.json)) return "hyperliquid-capture";
    if (/^\{\s*"(stream|e)"/.test(parts.json)) return "binance-capture";
  }
  throw new Error(
    `unrecognized replay format: first line starts with ${JSON.stringify(line.slice(0, 60))} ` +
      "(expected an mmkit recording header or `<local ns> <json>` Binance/Hyperliquid capture)",
  );
}

/** The start of the (decompressed) content, for format detection; errors name the file. */
export function readHeadText(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n);
    if (!isGzip(head)) return head.toString("utf8");
    const r = gunzipSalvage(path, head);
    const text = r.data.toString("utf8");
    if (r.corrupt !== null && !text.includes("\n"))
      throw new Error(`openReplay: ${path}: corrupt gzip data before the first record (${r.corrupt.code})`, {
        cause: r.corrupt,
      });
    return text;
  } finally {
    closeSync(fd);
  }
}

/** Nothing to replay: no line, or only the cut start of a recording header (a recorder killed at once). */
export function emptyOrCutHeader(head: string): boolean {
  const t = head.trim();
  if (t === "") return true;
  if (t.includes("\n")) return false;
  const header = '{"schema":"mmkit.marketdata"';
  return (header.startsWith(t) || t.startsWith(header)) && !isRecordingHeader(t);
}

/** The first line with something on it ("" when none). */
export function firstNonEmptyLine(text: string): string {
  for (const l of text.split("\n")) if (l.trim() !== "") return l;
  return "";
}
