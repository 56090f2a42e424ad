/** Test helper: the repo's real Hyperliquid BTC frames re-priced as another coin. */
import { captureLines, HL_SAMPLE } from "./helpers.js";

interface HlLevel {
  px: string;
  sz: string;
  n: number;
}

/** Decimals Hyperliquid allows for a perp price: ≤ 5 significant figures and ≤ 6 − szDecimals decimals. */
function hlDecimals(price: number, szDecimals: number): number {
  return Math.max(0, Math.min(6 - szDecimals, 5 - (Math.floor(Math.log10(price)) + 1)));
}

/**
 * Re-price the real Hyperliquid BTC frames as another coin (venue's message shapes kept): prices
 * scaled to `price` and put on the coin's grid (bids down, asks up, levels merged), sizes scaled
 * to the same notional and rounded to `szDecimals`.
 */
export function deriveHl(coin: string, price: number, szDecimals: number, timeShiftMs = 0): string[] {
  const f = price / 105_055;
  const pxOn = (p: string, mode: "down" | "up"): number => {
    const x = Number(p) * f;
    const s = 10 ** hlDecimals(x, szDecimals);
    return (mode === "down" ? Math.floor(x * s + 1e-9) : Math.ceil(x * s - 1e-9)) / s;
  };
  const szOf = (sz: number): string => {
    const s = 10 ** szDecimals;
    return String(Math.max(1, Math.round((sz / f) * s)) / s);
  };
  const side = (levels: HlLevel[], mode: "down" | "up"): HlLevel[] => {
    const merged = new Map<number, { sz: number; n: number }>();
    for (const l of levels) {
      const px = pxOn(l.px, mode);
      const m = merged.get(px) ?? { sz: 0, n: 0 };
      merged.set(px, { sz: m.sz + Number(l.sz), n: m.n + l.n });
    }
    return [...merged].map(([px, m]) => ({ n: m.n, px: String(px), sz: szOf(m.sz) }));
  };
  const lines = captureLines(HL_SAMPLE);
  return lines.map((line) => {
    const sp = line.indexOf(" ");
    const ns = BigInt(line.slice(0, sp)) + BigInt(timeShiftMs) * 1_000_000n;
    const msg = JSON.parse(line.slice(sp + 1)) as { channel: string; data: unknown };
    if (msg.channel === "l2Book") {
      const d = msg.data as { levels: [HlLevel[], HlLevel[]]; time: number };
      const data = {
        coin,
        levels: [side(d.levels[0], "down"), side(d.levels[1], "up")],
        time: d.time + timeShiftMs,
      };
      return `${ns} ${JSON.stringify({ channel: "l2Book", data })}`;
    }
    const trades = (msg.data as { px: string; sz: string; side: "B" | "A"; time: number }[]).map((t) => ({
      ...t,
      coin,
      px: String(pxOn(t.px, t.side === "B" ? "up" : "down")),
      sz: szOf(Number(t.sz)),
      time: t.time + timeShiftMs,
    }));
    return `${ns} ${JSON.stringify({ channel: "trades", data: trades })}`;
  });
}
