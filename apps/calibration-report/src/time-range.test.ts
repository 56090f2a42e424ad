import { describe, expect, it } from "vitest";
import { inRange, makeTimeRange, parseTimeBound } from "./time-range.js";

describe("time range", () => {
  it("parses epoch ms and ISO", () => {
    expect(parseTimeBound("1723161240000", "--since")).toBe(1723161240000);
    // 2024-08-08T23:54:00Z = 1723161240 s since epoch
    expect(parseTimeBound("2024-08-08T23:54:00Z", "--since")).toBe(1723161240000);
    expect(parseTimeBound("2024-08-09", "--until")).toBe(Date.UTC(2024, 7, 9));
    expect(parseTimeBound("2024-02-29", "--until")).toBe(Date.UTC(2024, 1, 29)); // a leap day
    expect(parseTimeBound("2024-08-09T01:54:00+02:00", "--until")).toBe(1723161240000);
    expect(parseTimeBound("100000000000", "--since")).toBe(1e11); // the smallest bare ms accepted
    expect(parseTimeBound(undefined, "--since")).toBeNull();
  });

  it("rejects garbage naming the flag", () => {
    expect(() => parseTimeBound("yesterday", "--since")).toThrow(/--since/);
    expect(() => parseTimeBound("2024-13-45T99:00:00Z", "--until")).toThrow(/--until/);
    expect(() => makeTimeRange("1723161240000", "1723161230000")).toThrow(/after --until/);
  });

  it("rejects impossible calendar dates instead of rolling them over (2025-02-30 was 2025-03-02)", () => {
    expect(() => parseTimeBound("2025-02-30", "--since")).toThrow(
      '--since: "2025-02-30" is not a calendar date/time: day 30 does not exist in 2025-02 (28 days)',
    );
    expect(() => parseTimeBound("2023-02-29", "--until")).toThrow(/--until: .*day 29 does not exist/);
    expect(() => parseTimeBound("2024-04-31T00:00:00Z", "--since")).toThrow(/day 31 does not exist/);
    expect(() => parseTimeBound("2024-08-08T23:60:00Z", "--since")).toThrow(/minute 60 does not exist/);
    expect(() => parseTimeBound("2024-08-08T24:00:00Z", "--since")).toThrow(/hour 24 does not exist/);
  });

  it("a bare number must be plausible epoch ms: seconds are refused with a suggestion", () => {
    expect(() => parseTimeBound("1723161256", "--since")).toThrow(
      "--since: 1723161256 looks like epoch seconds (2024-08-08T23:54:16Z); give epoch ms (1723161256000) or an ISO-8601 date",
    );
    expect(() => parseTimeBound(1723161256, "--until")).toThrow(/--until: .*epoch seconds/);
    for (const v of ["0", "-5", "50000000000", "99999999999"])
      expect(() => parseTimeBound(v, "--since"), v).toThrow(/--since: .*not a plausible epoch-ms time/);
  });

  it("filters inclusively", () => {
    const b = 1_723_161_240_000;
    const r = makeTimeRange(String(b + 1000), String(b + 2000));
    expect([999, 1000, 1500, 2000, 2001].map((t) => inRange(r, b + t))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(inRange(makeTimeRange(undefined, undefined), -5)).toBe(true);
  });
});
