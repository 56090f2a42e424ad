import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ExchangeEvent } from "./events.js";
import { PaperExchange } from "./paper-exchange.js";
import { snap, trade } from "./test-helpers.js";

const T0 = 1_000_000;
const TICK = 0.5;

type Op =
  | { k: "book"; dt: number; move: number; bidSz: number; askSz: number }
  | { k: "trade"; dt: number; buy: boolean; ticks: number; size: number }
  | { k: "place"; buy: boolean; ticks: number; size: number }
  | { k: "cancel"; idx: number }
  | { k: "modify"; idx: number; ticks: number; size: number }
  | { k: "advance"; dt: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    k: fc.constant("book" as const),
    dt: fc.integer({ min: 0, max: 40 }),
    move: fc.integer({ min: -2, max: 2 }),
    bidSz: fc.integer({ min: 1, max: 6 }),
    askSz: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({
    k: fc.constant("trade" as const),
    dt: fc.integer({ min: 0, max: 40 }),
    buy: fc.boolean(),
    ticks: fc.integer({ min: -1, max: 3 }),
    size: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({
    k: fc.constant("place" as const),
    buy: fc.boolean(),
    ticks: fc.integer({ min: 0, max: 3 }),
    size: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ k: fc.constant("cancel" as const), idx: fc.nat(20) }),
  fc.record({
    k: fc.constant("modify" as const),
    idx: fc.nat(20),
    ticks: fc.integer({ min: 0, max: 3 }),
    size: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ k: fc.constant("advance" as const), dt: fc.integer({ min: 0, max: 80 }) }),
);

describe("paper exchange invariants (fast-check, seeded)", () => {
  it("equity identity, no negative resting size, no fill after an effective cancel, prints never over-allocated", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("touch" as const, "queue" as const, "through" as const),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(opArb, { minLength: 1, maxLength: 120 }),
        (fillModel, seed, ops) => {
          const ex = new PaperExchange({
            fillModel,
            seed,
            startingEquityQuote: 500,
            makerFeeBps: seed % 2 === 0 ? 1.5 : -0.5,
            latency: {
              kind: "uniform",
              orderEntryMinMs: 0,
              orderEntryMaxMs: 30,
              cancelMinMs: 0,
              cancelMaxMs: 30,
            },
          });
          let t = T0;
          let mid = 100;
          const ids: string[] = [];
          const cancelledAt = new Map<string, number>();
          let position = 0;
          const check = (evs: readonly ExchangeEvent[], printSize: number | null): void => {
            let filledFromPrint = 0;
            for (const e of evs) {
              if (e.type === "cancelled") cancelledAt.set(e.orderId, e.tsMs);
              if (e.type === "fill") {
                expect(cancelledAt.has(e.fill.orderId)).toBe(false);
                filledFromPrint += e.fill.size;
                position += e.fill.side === "buy" ? e.fill.size : -e.fill.size;
              }
            }
            if (printSize !== null) expect(filledFromPrint).toBeLessThanOrEqual(printSize + 1e-9);
            const p = ex.pnl();
            expect(p.positionBase).toBeCloseTo(position, 9);
            // cash + position × mark == starting equity + total PnL
            expect(
              p.cashQuote + p.positionBase * (Number.isFinite(p.markPrice) ? p.markPrice : 0),
            ).toBeCloseTo(500 + p.totalPnlQuote, 7);
            expect(p.realizedPnlQuote + p.unrealizedPnlQuote - p.feesQuote).toBeCloseTo(p.totalPnlQuote, 7);
            for (const o of ex.openOrders()) {
              expect(o.size - o.filledSize).toBeGreaterThan(0);
              expect(o.queueAheadSize).toBeGreaterThanOrEqual(0);
            }
          };
          check(ex.onMarketEvent(snap(t, [[mid - TICK, 2]], [[mid + TICK, 2]])), null);
          for (const op of ops) {
            switch (op.k) {
              case "book":
                t += op.dt;
                mid += op.move * TICK;
                check(
                  ex.onMarketEvent(
                    snap(
                      t,
                      [
                        [mid - TICK, op.bidSz],
                        [mid - 2 * TICK, 3],
                      ],
                      [
                        [mid + TICK, op.askSz],
                        [mid + 2 * TICK, 3],
                      ],
                    ),
                  ),
                  null,
                );
                break;
              case "trade": {
                t += op.dt;
                const px = op.buy ? mid + op.ticks * TICK : mid - op.ticks * TICK;
                check(ex.onMarketEvent(trade(t, px, op.size / 2, op.buy ? "buy" : "sell")), op.size / 2);
                break;
              }
              case "place": {
                const px = op.buy ? mid - op.ticks * TICK : mid + op.ticks * TICK;
                const r = ex.place({
                  side: op.buy ? "buy" : "sell",
                  price: px,
                  size: op.size / 4,
                  postOnly: true,
                });
                ids.push(r.orderId);
                check(r.events, null);
                break;
              }
              case "cancel":
                if (ids.length > 0) check(ex.cancel(ids[op.idx % ids.length]!).events, null);
                break;
              case "modify":
                if (ids.length > 0) {
                  const id = ids[op.idx % ids.length]!;
                  const o = ex.order(id);
                  const px = o?.side === "sell" ? mid + op.ticks * TICK : mid - op.ticks * TICK;
                  const r = ex.modify(id, { price: px, size: op.size / 4 });
                  ids.push(r.orderId);
                  check(r.events, null);
                }
                break;
              case "advance":
                t += op.dt;
                check(ex.advanceTo(t), null);
                break;
            }
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
