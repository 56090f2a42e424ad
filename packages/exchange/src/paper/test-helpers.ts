import type { MarketEvent, PriceLevel, Side } from "@mmkit/core";
import type { ExchangeEvent, PaperFill } from "./events.js";

/** Test helper: levels from [price, size] pairs. */
function lv(pairs: readonly (readonly [number, number])[]): PriceLevel[] {
  return pairs.map(([price, size]) => ({ price, size }));
}

/** Test helper: a full book snapshot event. */
export function snap(
  tsMs: number,
  bids: readonly (readonly [number, number])[],
  asks: readonly (readonly [number, number])[],
): MarketEvent {
  return { type: "snapshot", exchangeTsMs: tsMs, localTsMs: tsMs, bids: lv(bids), asks: lv(asks) };
}

/** Test helper: a level-replacement delta event. */
export function delta(
  tsMs: number,
  bids: readonly (readonly [number, number])[],
  asks: readonly (readonly [number, number])[],
): MarketEvent {
  return { type: "delta", exchangeTsMs: tsMs, localTsMs: tsMs, bids: lv(bids), asks: lv(asks) };
}

/** Test helper: a trade print; `aggressor` is the taker side. */
export function trade(tsMs: number, price: number, size: number, aggressor: Side, id?: string): MarketEvent {
  return {
    type: "trade",
    exchangeTsMs: tsMs,
    localTsMs: tsMs,
    trade: {
      price,
      size,
      aggressor,
      exchangeTsMs: tsMs,
      localTsMs: tsMs,
      ...(id !== undefined ? { id } : {}),
    },
  };
}

/** Test helper: the fills among exchange events. */
export function fillsOf(events: readonly ExchangeEvent[]): PaperFill[] {
  const out: PaperFill[] = [];
  for (const e of events) if (e.type === "fill") out.push(e.fill);
  return out;
}

/** Test helper: a 100 bid (5) under asks 100.2 / 100.3 / 100.4 (5 each), at `tsMs` — a book to sweep. */
export function stairBook(tsMs: number): MarketEvent {
  return snap(
    tsMs,
    [[100, 5]],
    [
      [100.2, 5],
      [100.3, 5],
      [100.4, 5],
    ],
  );
}
