import { fixedTickRules } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { buildParts } from "../src/build.js";
import { checkSources, type PaperTraderConfigInput, parseConfig } from "../src/config.js";
import { createLogger } from "../src/logging.js";

/** Build the run's parts as the CLI does once the first mid is known. */
function build(over: PaperTraderConfigInput): void {
  buildParts(parseConfig(over), {
    logger: createLogger("silent", false),
    out: null,
    metrics: null,
    tickRules: fixedTickRules(0.1, 0.001, 0),
    firstMid: 100_000,
    clock: "exchange",
    quoteCurrency: "USD",
  });
}

describe("every value the paper-trader config accepts is one the packages accept", () => {
  // A value the app schema lets through but a package rejects fails only after the run started
  // (exit 1, previous run already archived) instead of the up-front exit 2.
  it.each<PaperTraderConfigInput>([
    { gamma: 1e7 },
    { gamma: 1e-12 },
    { ladderRatio: 5 },
    { ladderRatio: 1.000001 },
    { ladderLevels: 1 },
    { ladderLevels: 20 },
    { minSpreadBps: 0 },
    { minSpreadBps: 1000 },
    { maxPositionLots: 1e9 },
    { maxPositionLots: 1 },
    { makerFeeBps: -10, minSpreadBps: 0 },
    { makerFeeBps: 100 },
    { latencyMs: 0 },
    { latencyMs: 10_000 },
    { fillModel: "touch", fillProb: 0 },
    { fillModel: "touch", fillProb: 1 },
    { queueTradeLagMs: 0 },
    { queueTradeLagMs: 60_000 },
    { killDrawdownPct: 100 },
  ])("%j builds", (over) => {
    expect(() => build(over)).not.toThrow();
  });
});

describe("checkSources without the list of given fields", () => {
  it("never refuses a default value, so a previous run's whole config block is a valid config", () => {
    const live = parseConfig({ source: "hyperliquid" });
    expect(() => checkSources(live)).not.toThrow(); // speed "max" and queueTradeLagMs are defaults
    const synthetic = parseConfig({ ...live, source: "synthetic", fillProb: 0.5, recordRotateMin: 60 });
    expect(() => checkSources(synthetic, new Set(Object.keys(synthetic)))).not.toThrow();
  });
  it("refuses a value that differs from its default where it has no effect", () => {
    const cfg = parseConfig({ fillModel: "touch", fillProb: 0.3 });
    expect(() => checkSources({ ...cfg, fillModel: "queue" })).toThrow(
      /^invalid --fill-prob: no effect with --fill-model queue .*; it needs --fill-model touch$/,
    );
    const live = parseConfig({ source: "hyperliquid" });
    expect(() => checkSources({ ...live, speed: "2x" })).toThrow(
      /^invalid --speed: no effect with --source hyperliquid/,
    );
  });
});
