import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  encodeFloat64s,
  encodePacked,
  readBooleanArray,
  readFloat64s,
  readNullableNumber,
  readPacked,
} from "./checkpoint.js";
import { sharpeEvents, viaJson } from "./checkpoint-test-helpers.js";
import { DrawdownTracker, type DrawdownTrackerState } from "./drawdown.js";
import { SharpeTracker } from "./sharpe.js";
import { runLengths, type SharpeTrackerStateV1, type SharpeTrackerStateV2 } from "./sharpe-state.js";

describe("checkpoint field readers refuse what a writer never produces", () => {
  it("a versioned state of another version (a newer build's) is refused, not read as version 1", () => {
    const t = new DrawdownTracker();
    t.update(1, 100);
    const s = viaJson(t.getState());
    for (const version of [2, 0, undefined]) {
      const v = { ...s, version } as unknown as DrawdownTrackerState;
      expect(() => new DrawdownTracker().setState(v)).toThrow(
        /DrawdownTracker state\.version: expected 1, got/,
      );
    }
  });

  it("base64 that lost a character is refused even when it still decodes to whole values", () => {
    const text = encodeFloat64s([1.5]);
    expect(text).toBe("AAAAAAAA+D8="); // 1.5 = 0x3FF8000000000000, little-endian
    expect(readFloat64s({ x: text }, "x", "w")).toEqual(new Float64Array([1.5]));
    // without its padding it is 11 characters: Buffer would still decode 8 bytes
    expect(() => readFloat64s({ x: text.slice(0, -1) }, "x", "w")).toThrow(
      'w.x: expected a base64 string, got "AAAAAAAA+D8"',
    );
  });

  it("packed codes must fill exactly the bytes their count needs (not fewer, not more)", () => {
    const text = encodePacked([1, 2, 3, 0, 2], 2); // 5 two-bit codes: 2 bytes
    expect(Buffer.from(text, "base64")).toEqual(Buffer.from([0b00111001, 0b00000010]));
    expect(readPacked({ k: text }, "k", "w", 2, 5)).toEqual(new Uint8Array([1, 2, 3, 0, 2]));
    const longer = Buffer.from([0b00111001, 0b00000010, 0]).toString("base64");
    expect(() => readPacked({ k: longer }, "k", "w", 2, 5)).toThrow(
      "w.k: expected 5 packed 2-bit codes, got 3 bytes",
    );
    const shorter = Buffer.from([0b00111001]).toString("base64");
    expect(() => readPacked({ k: shorter }, "k", "w", 2, 5)).toThrow("got 1 bytes");
  });

  it("a nullable number may be null but not missing", () => {
    expect(readNullableNumber({ k: null }, "k", "w")).toBeNull();
    expect(readNullableNumber({ k: "-0" }, "k", "w")).toBe(-0);
    expect(() => readNullableNumber({}, "k", "w")).toThrow("w.k: expected a finite number");
  });

  it("a boolean array of a required length is refused at any other length", () => {
    expect(readBooleanArray({ a: [true, false] }, "a", "w", 2)).toEqual([true, false]);
    expect(() => readBooleanArray({ a: [true] }, "a", "w", 2)).toThrow("w.a: expected 2 elements, got 1");
    expect(() => readBooleanArray({ a: [true, 1] }, "a", "w")).toThrow("w.a[1]: expected a boolean, got 1");
  });
});

describe("the Sharpe ring's run-length code", () => {
  it("keeps −0 apart from 0 and runs equal values (NaN included) together", () => {
    expect(runLengths([0, -0, -0, 1, Number.NaN, Number.NaN])).toEqual({
      values: [0, -0, 1, Number.NaN],
      runs: [1, 2, 1, 2],
    });
    expect(Object.is(runLengths([0, -0]).values[1], -0)).toBe(true);
  });

  it("a state whose end equities do not cover exactly its buckets, or lacks the capital its returns need, is refused", () => {
    const t = new SharpeTracker({ bucketMs: 1_000, windows: [{ label: "1h", secs: 30 }], loMaxLags: 3 });
    for (const e of sharpeEvents(3, 300)) e(t);
    const good = viaJson(t.getState()) as SharpeTrackerStateV2;
    expect(good.version).toBe(2);
    expect(good.buckets).toBeGreaterThan(2);
    // every end equity written out (no runs): one value too many
    const ends = Array.from(readFloat64s(good as unknown as Record<string, unknown>, "endEquity", "s"));
    const expanded: number[] = [];
    if (good.endEquityRuns.length === 0) expanded.push(...ends);
    else
      good.endEquityRuns.forEach((k, i) => {
        expanded.push(...Array<number>(k).fill(ends[i]!));
      });
    expect(expanded).toHaveLength(good.buckets);
    const plain = { ...good, endEquity: encodeFloat64s(expanded), endEquityRuns: [] };
    expect(() => SharpeTracker.fromState(plain)).not.toThrow();
    const extra = { ...plain, endEquity: encodeFloat64s([...expanded, 1]) };
    expect(() => SharpeTracker.fromState(extra)).toThrow(
      `SharpeTracker state.endEquity: expected ${good.buckets} values, got ${good.buckets + 1}`,
    );
    // returns on starting capital need the capital once a bucket was closed
    expect(() => SharpeTracker.fromState({ ...plain, capitalBase: null })).toThrow(
      "SharpeTracker state.capitalBase: must be set once a bucket was closed",
    );
    // run lengths that stop one bucket short
    const runs = {
      ...plain,
      endEquity: encodeFloat64s(expanded.slice(0, -1)),
      endEquityRuns: expanded.slice(0, -1).map(() => 1),
    };
    expect(() => SharpeTracker.fromState(runs)).toThrow(
      `SharpeTracker state.endEquityRuns: runs cover ${good.buckets - 1} buckets, expected ${good.buckets}`,
    );
  });

  it("a state's fields must agree: clock and bucket set together, a pause only after a sample, every lag sum, a v1 ring's lengths", () => {
    const opts = { bucketMs: 1_000, windows: [{ label: "1h", secs: 30 }], loMaxLags: 3 };
    const t = new SharpeTracker(opts);
    for (const e of sharpeEvents(4, 300)) e(t);
    const good = viaJson(t.getState()) as SharpeTrackerStateV2;
    expect(() => SharpeTracker.fromState(good)).not.toThrow();
    expect(() => SharpeTracker.fromState({ ...good, curBucket: null })).toThrow(
      "SharpeTracker state: firstTsMs and curBucket must both be null (no sample yet) or both be set",
    );
    expect(good.lagProducts).toHaveLength(4); // k = 0..loMaxLags
    expect(() => SharpeTracker.fromState({ ...good, lagProducts: good.lagProducts.slice(0, 3) })).toThrow(
      "SharpeTracker state.lagProducts: expected 4 elements, got 3",
    );
    // no sample yet, yet paused at a time of its own
    const empty = viaJson(new SharpeTracker(opts).getState()) as SharpeTrackerStateV2;
    expect(() => SharpeTracker.fromState({ ...empty, lastTsMs: 5, pausedAtMs: 5 })).toThrow(
      "SharpeTracker state.pausedAtMs: must be null before the first sample",
    );
    const fixture = JSON.parse(
      readFileSync(fileURLToPath(new URL("./fixtures/checkpoint-v1.json", import.meta.url)), "utf8"),
    ) as { sharpe: SharpeTrackerStateV1 };
    const v1 = fixture.sharpe;
    expect(v1.version).toBe(1);
    expect(() => SharpeTracker.fromState(v1)).not.toThrow();
    const n = v1.returns.length;
    expect(() => SharpeTracker.fromState({ ...v1, startEquity: v1.startEquity.slice(1) })).toThrow(
      `SharpeTracker state.startEquity: expected ${n} elements, got ${n - 1}`,
    );
  });
});
