// The smallest sample: one fill. The bias is shown from it; the tests that need a spread need two.
import { expect, it } from "vitest";
import { EdgeTracker } from "./edge.js";

it("one fill: the bias is its predicted − realized edge, its test needs two", () => {
  const t = new EdgeTracker();
  t.update({
    tsMs: 0,
    predictedEdgeBps: -1.136,
    feeBps: 0,
    markouts: [{ horizonMs: 5000, realizedEdgeBps: 1.518 }],
  });
  const h = t.report().horizons[0]!;
  expect(h.meanBiasBps).toBeCloseTo(-2.654, 12);
  expect(h.biasTest).toBeNull();
  expect(h.edgeTest).toBeNull();
});
