import { fillSchema } from "@mmkit/analytics";
import type { PaperFill } from "@mmkit/exchange";
import { expect, it } from "vitest";
import { fillLine } from "../src/records.js";

it("fills.jsonl: mid_at_fill without the last-digit error of (bid + ask) / 2", () => {
  const bid = 0.0404;
  const ask = 0.04041;
  const mid = (bid + ask) / 2;
  expect(mid).toBe(0.040404999999999996); // what the book computes
  const fill: PaperFill = {
    orderId: "o1",
    side: "buy",
    price: bid,
    size: 1000,
    feeQuote: 0.006,
    liquidity: "maker",
    tsMs: 1_700_000_000_000,
    midAtFill: mid,
    remainingSize: 0,
    fillModel: "queue",
    positionAfter: 1000,
    feeBps: 1.5,
    realizedPnlAfter: 0,
    totalPnlAfter: 0.004,
  };
  const line = fillLine(fill, "F1");
  expect(line.mid_at_fill).toBe(0.040405);
  expect(JSON.stringify(line)).toContain('"mid_at_fill":0.040405,');
  expect(fillSchema.safeParse(line).success).toBe(true);
  // a mid that needs all its digits keeps them
  expect(fillLine({ ...fill, midAtFill: 61800.25 }, "F2").mid_at_fill).toBe(61800.25);
});
