import { describe, expect, it } from "vitest";
import { type PaperTraderConfig, type PaperTraderConfigInput, parseConfig } from "../src/config.js";
import { captureCheckpoint, parseCheckpoint, resumedConfig, savedEffectiveConfig } from "../src/state.js";
import { relative } from "node:path";
import { BINANCE_SAMPLE, gridTrader } from "./helpers.js";

/** The config a resume of a run started with `saved` runs with, given `now` (its keys are the fields given). */
const resume = (saved: PaperTraderConfigInput, now: PaperTraderConfigInput) =>
  resumedConfig(
    parseConfig(saved),
    parseConfig({ ...now, resume: true }),
    "/tmp/run",
    new Set(["resume", ...Object.keys(now)]),
  );

describe("what a resume may change, and what it keeps", () => {
  it("pacing, logging, rotation, and the crash test hook may be given anew and are used", () => {
    const saved = { seed: 3, speed: "10x", logLevel: "warn", rotateMb: 64 } as const;
    const changed = {
      speed: "max",
      logLevel: "debug",
      rotateMb: 8,
      crashAtSec: 30,
    } as const;
    const r = resume(saved, changed);
    expect([r.speed, r.logLevel, r.rotateMb, r.crashAtSec]).toEqual(["max", "debug", 8, 30]);
    expect(r.seed).toBe(3);
  });

  it("pacing and logging not given again are this session's defaults, not the checkpoint's", () => {
    const r = resume({ speed: "10x", logLevel: "warn", rotateMb: 8 }, {});
    expect([r.speed, r.logLevel, r.rotateMb]).toEqual(["max", "info", 64]);
  });

  it("fees left unset are the checkpoint's (both maker and taker); given, they must match it", () => {
    const saved = { makerFeeBps: -1, takerFeeBps: 3.5 } as const;
    const r = resume(saved, {});
    expect([r.makerFeeBps, r.takerFeeBps]).toEqual([-1, 3.5]);
    expect(() => resume(saved, { takerFeeBps: 4 })).toThrow(
      "cannot --resume: --taker-fee-bps differs from the checkpoint (checkpoint 3.5, now 4)",
    );
  });

  it("a bad value in the checkpoint's config is named as the checkpoint's, not the flags'", () => {
    const saved = { ...parseConfig({}), gamma: -5 };
    expect(() =>
      resumedConfig(saved, parseConfig({ resume: true }), "/tmp/run", new Set(["resume"])),
    ).toThrow(/^cannot --resume: checkpoint\.json in \/tmp\/run is damaged at config: /);
  });

  it("called without the fields given (in process: every field counts as given), unset fees, order size and fields an older checkpoint lacks are the checkpoint's", () => {
    const written = parseConfig({ seed: 3, makerFeeBps: -1, takerFeeBps: 3.5 });
    const saved = savedEffectiveConfig({ config: written, order_size_base: 0.002 });
    const r = resumedConfig(saved, parseConfig({ seed: 3, resume: true }), "/tmp/run", undefined, written);
    expect([r.makerFeeBps, r.takerFeeBps]).toEqual([-1, 3.5]);
    // a field the checkpoint's version did not have yet counts as its default
    const { ladderLevels: _l, ...older } = written;
    expect(() =>
      resumedConfig(
        older as PaperTraderConfig,
        parseConfig({ seed: 3, resume: true }),
        "/tmp/run",
        undefined,
      ),
    ).not.toThrow();
    // the order size the run chose is no change when none is given now
    const sized = savedEffectiveConfig({
      config: { ...written, orderSizeBase: 0.002 },
      order_size_base: 0.002,
    });
    expect(
      resumedConfig(sized, parseConfig({ seed: 3, resume: true }), "/tmp/run", undefined).orderSizeBase,
    ).toBeUndefined();
  });

  it("an older checkpoint's relative --input, given again with the file's full path, is the same input", () => {
    const typed = relative(process.cwd(), BINANCE_SAMPLE);
    expect(typed.startsWith("/")).toBe(false);
    const saved = { ...parseConfig({ source: "replay", input: BINANCE_SAMPLE }), input: typed };
    const now = parseConfig({ resume: true, source: "replay", input: BINANCE_SAMPLE });
    expect(resumedConfig(saved, now, "/tmp/run", new Set(["resume", "source", "input"])).input).toBe(
      BINANCE_SAMPLE,
    );
  });

  it("a setting given now without effect on the resumed source is refused", () => {
    const now = { ...parseConfig({ resume: true }), hyperliquidUrl: "wss://example.test/ws" };
    expect(() =>
      resumedConfig(parseConfig({ seed: 3 }), now, "/tmp/run", new Set(["resume", "hyperliquidUrl"])),
    ).toThrow(/invalid --hyperliquid-url: no effect with --source synthetic/);
  });
});

describe("a checkpoint's own fields", () => {
  it("out-of-range counts, sizes, run ids and print-merge versions are refused, naming the field", () => {
    const raw = JSON.parse(
      JSON.stringify(
        captureCheckpoint(gridTrader({ orderSizeBase: 0.001 }), "run-1", 7, { fills: 10 }, { fills: 0 }),
      ),
    ) as Record<string, unknown>;
    expect(parseCheckpoint(raw, "/tmp/run").events_consumed).toBe(7);
    for (const [field, value] of [
      ["events_consumed", -1],
      ["order_size_base", 0],
      ["capital_quote", -5],
      ["print_merge", 2],
      ["run_id", ""],
    ] as const) {
      expect(() => parseCheckpoint({ ...raw, [field]: value }, "/tmp/run"), field).toThrow(
        new RegExp(`^cannot --resume: checkpoint\\.json in /tmp/run is damaged at ${field}: `),
      );
    }
  });
});
