/**
 * A scanner for the canonical encoding of a Hyperliquid `l2Book` frame, the hottest message of
 * the live feed. It accepts only the exact byte layout the venue sends —
 *   {"channel":"l2Book","data":{"coin":"BTC","levels":[[{"n":5,"px":"105055.0","sz":"3.03622"},…],[…]],"time":1737918843542}}
 * — and returns null on any deviation (whitespace, key order, escapes, exponents, leading zeros…),
 * so the caller falls back to JSON.parse + validation. On what it accepts, its result equals the
 * general path's exactly (property-tested), while skipping JSON.parse's generic object building.
 */
import type { MarketEvent, PriceLevel } from "@mmkit/core";

/** Every canonical l2Book frame starts with this. */
export const L2BOOK_PREFIX = '{"channel":"l2Book","data":{"coin":"';

/** Parsed snapshot, or null when the text is not in the canonical layout. */
export function scanL2BookFrame(
  text: string,
  localTsMs: number,
): { coin: string; event: MarketEvent & { type: "snapshot" } } | null {
  if (!text.startsWith(L2BOOK_PREFIX)) return null;
  let i = L2BOOK_PREFIX.length;
  const coinEnd = text.indexOf('"', i);
  if (coinEnd < 0) return null;
  const coin = text.slice(i, coinEnd);
  // JSON strings cannot hold raw control characters; escapes are left to the general path.
  for (let k = 0; k < coin.length; k++) {
    const c = coin.charCodeAt(k);
    if (c < 0x20 || c === 92 /* \\ */) return null;
  }
  i = coinEnd;
  if (!text.startsWith('","levels":[[', i)) return null;
  i += 13;
  const bids: PriceLevel[] = [];
  i = scanLevels(text, i, bids);
  if (i < 0 || !text.startsWith("],[", i)) return null;
  i += 3;
  const asks: PriceLevel[] = [];
  i = scanLevels(text, i, asks);
  if (i < 0 || !text.startsWith(']],"time":', i)) return null;
  i += 10;
  const timeEnd = scanUint(text, i);
  if (timeEnd < 0) return null;
  const time = scannedValue;
  if (text.length !== timeEnd + 2 || !text.startsWith("}}", timeEnd)) return null;
  return { coin, event: { type: "snapshot", exchangeTsMs: time, localTsMs, bids, asks } };
}

/** Scan `{"n":…,"px":"…","sz":"…"}` entries separated by commas; returns the index after them or -1. */
function scanLevels(text: string, start: number, out: PriceLevel[]): number {
  let i = start;
  if (text.charCodeAt(i) === 93 /* ] */) return i;
  for (;;) {
    if (!text.startsWith('{"n":', i)) return -1;
    i += 5;
    i = scanUint(text, i);
    if (i < 0) return -1;
    const count = scannedValue;
    if (!text.startsWith(',"px":"', i)) return -1;
    i = scanDecimal(text, i + 7);
    if (i < 0) return -1;
    const price = scannedValue;
    if (!text.startsWith('","sz":"', i)) return -1;
    i = scanDecimal(text, i + 8);
    if (i < 0) return -1;
    const size = scannedValue;
    if (!text.startsWith('"}', i)) return -1;
    i += 2;
    out.push({ price, size, count });
    const c = text.charCodeAt(i);
    if (c === 93 /* ] */) return i;
    if (c !== 44 /* , */) return -1;
    i++;
  }
}

/** Value of the last `scanDecimal` (a module-level slot avoids allocating a result object per number). */
let scannedValue = 0;

/**
 * Scan a decimal `-?digits(.digits)?` up to its closing quote without allocating a substring, and
 * compute its value as m / 10^k. With m < 2^53 and k ≤ 22 both operands are exact doubles and IEEE
 * division rounds correctly, so the result equals `Number(text)` bit for bit; longer numbers
 * return -1 (the general path handles them).
 */
function scanDecimal(text: string, start: number): number {
  let i = start;
  let negative = false;
  if (text.charCodeAt(i) === 45 /* - */) {
    negative = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let fracDigits = 0;
  const intStart = i;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) {
    m = m * 10 + (c - 48);
    digits++;
  }
  if (i === intStart) return -1;
  if (text.charCodeAt(i) === 46 /* . */) {
    const fracStart = ++i;
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) {
      m = m * 10 + (c - 48);
      digits++;
    }
    fracDigits = i - fracStart;
    if (fracDigits === 0) return -1;
  }
  if (text.charCodeAt(i) !== 34 /* " */ || digits > 15 || fracDigits > 22) return -1;
  const v = fracDigits === 0 ? m : m / POW10[fracDigits]!;
  scannedValue = negative ? -v : v;
  return i;
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** A JSON non-negative integer (≤ 15 digits: exact) without sign, fraction, exponent or leading zeros; its value goes to `scannedValue`; index after it or -1. */
function scanUint(text: string, start: number): number {
  let i = start;
  let v = 0;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) v = v * 10 + (c - 48);
  if (i === start || i - start > 15) return -1;
  if (i - start > 1 && text.charCodeAt(start) === 48) return -1;
  scannedValue = v;
  return i;
}
