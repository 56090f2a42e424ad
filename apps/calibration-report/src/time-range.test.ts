import { describe, expect, it } from "vitest";
import { inRange, makeTimeRange, parseTimeBound } from "./time-range.js";

describe("time range", () => {
  it("parses epoch ms and ISO", () => {
    expect(parseTimeBound("1723161240000", "--since")).toBe(1723161240000);
    // 2024-08-08T23:54:00Z = 1723161240 s since epoch
    expect(parseTimeBound("2024-08-08T23:54:00Z", "--since")).toBe(1723161240000);
    expect(parseTimeBound("2024-08-09", "--until")).toBe(Date.UTC(2024, 7, 9));
    expect(parseTimeBound(undefined, "--since")).toBeNull();
  });

  it("rejects garbage naming the flag", () => {
    expect(() => parseTimeBound("yesterday", "--since")).toThrow(/--since/);
    expect(() => parseTimeBound("2024-13-45T99:00:00Z", "--until")).toThrow(/--until/);
    expect(() => makeTimeRange("2000", "1000")).toThrow(/after --until/);
  });

  it("filters inclusively", () => {
    const r = makeTimeRange("1000", "2000");
    expect([999, 1000, 1500, 2000, 2001].map((t) => inRange(r, t))).toEqual([false, true, true, true, false]);
    expect(inRange(makeTimeRange(undefined, undefined), -5)).toBe(true);
  });
});
