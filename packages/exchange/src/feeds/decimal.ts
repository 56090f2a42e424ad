/** A decimal string as Hyperliquid sends prices and sizes: exactly `/^-?\d+(\.\d+)?$/`, as a char loop: the hot path checks 80 strings a frame. */
export function isDecimalString(s: string): boolean {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i === intStart) return false;
  if (i === n) return true;
  if (s.charCodeAt(i) !== 46) return false;
  const fracStart = ++i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  return i === n && i > fracStart;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * A price or size as a venue message may carry it: a decimal string (what Binance and Hyperliquid
 * send) or a finite JSON number (what converted or third-party captures often hold).
 */
export function isDecimalValue(x: unknown): x is string | number {
  return typeof x === "string" ? isDecimalString(x) : typeof x === "number" && Number.isFinite(x);
}
