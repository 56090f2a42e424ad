import type { MarkoutRecord } from "@mmkit/exchange";
import { describe, expect, it } from "vitest";
import { edgeLine } from "../src/records.js";

const markout = (fillSeq: number | undefined): MarkoutRecord => ({
  kind: "markout",
  orderId: "paper-7",
  ...(fillSeq !== undefined ? { fillSeq } : {}),
  side: "buy",
  fillPrice: 100,
  size: 1,
  fillTsMs: 1_000,
  midAtFill: 100.01,
  feeBps: 0,
  predictedSpreadBps: null,
  predictedAdverseBps: null,
  predictedEdgeBps: null,
  realizedSpreadBps: 1,
  horizonsSec: [1],
  midAtHorizon: [100.02],
  realizedEdgeBps: [2],
  realizedAdverseBps: [-1],
  complete: true,
});

describe("edge_validation fill ids", () => {
  it("are the fill's fills.jsonl id, distinct for fills of one order in one millisecond", () => {
    expect(edgeLine(markout(197), undefined, 1000).fill_id).toBe("F197");
    expect(edgeLine(markout(198), undefined, 1000).fill_id).toBe("F198");
    // a markout restored from an older checkpoint has no fill number: the old order@time id
    expect(edgeLine(markout(undefined), undefined, 1000).fill_id).toBe("paper-7@1000");
  });
});
