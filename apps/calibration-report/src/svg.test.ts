import { describe, expect, it } from "vitest";
import type { CalibrationModel } from "./model.js";
import { esc, fmtTick, niceTicks, reliabilitySvg, seriesSvg } from "./svg.js";

function curve(label: string, counts: number[]): CalibrationModel {
  const bins = counts.map((count, i) => ({
    lo: i / counts.length,
    hi: (i + 1) / counts.length,
    count,
    meanForecast: (i + 0.5) / counts.length,
    observedFreq: (i + 0.5) / counts.length,
    lowCount: false,
  }));
  const n = counts.reduce((a, b) => a + b, 0);
  return {
    label,
    horizonMs: 1000,
    n,
    censored: 0,
    brier: 0.1,
    reliability: 0,
    resolution: 0,
    uncertainty: 0.1,
    withinBin: 0,
    logLoss: 0.3,
    skill: 0,
    baseRate: 0.5,
    meanForecast: 0.5,
    brierCi95: null,
    brierCiFrom: null,
    brierBlockCi95: null,
    brierCiBlocks: null,
    bins,
    status: "OK",
  };
}

describe("svg helpers", () => {
  it("niceTicks picks 1/2/2.5/5 steps covering the range", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]);
    expect(niceTicks(-3, 7, 5)).toEqual([-2, 0, 2, 4, 6]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it("fmtTick keeps the decimals a step needs", () => {
    // equity around 10 000 with 0.2 steps must not collapse to "10k"
    expect([10_000.2, 10_000.4].map((v) => fmtTick(v, 0.2))).toEqual(["10000.2", "10000.4"]);
    expect(fmtTick(-0.025, 0.025)).toBe("-0.025");
    expect(fmtTick(20_000, 5000)).toBe("20k");
    expect(fmtTick(0, 0.5)).toBe("0.0");
  });

  it("escapes markup", () => {
    expect(esc(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  });

  it("charts without data say so instead of drawing nothing", () => {
    expect(reliabilitySvg([])).toContain("INSUFFICIENT DATA");
    expect(seriesSvg("equity", [], "equity", "#000")).toContain("no equity samples");
  });

  it("labels bin counts only when one curve is drawn (several would collide); tooltips always carry them", () => {
    const one = reliabilitySvg([curve("fill@1000ms", [40, 17, 3])]);
    expect([...one.matchAll(/<text class="count"[^>]*>(\d+)</g)].map((m) => m[1])).toEqual(["40", "17", "3"]);
    const two = reliabilitySvg([curve("fill@1000ms", [40, 17, 3]), curve("fill@5000ms", [5, 9, 30])]);
    expect(two).not.toContain('class="count"');
    expect([...two.matchAll(/n=(\d+), mean p/g)].map((m) => m[1])).toEqual(["40", "17", "3", "5", "9", "30"]);
  });
});
