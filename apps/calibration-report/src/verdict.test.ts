import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CRITERIA } from "./criteria.js";
import { computeVerdict, type VerdictInputs } from "./verdict.js";

const good: VerdictInputs = {
  sharpeAnnualized: 3.1,
  sharpeSamples: 500,
  brier: 0.12,
  brierSamples: 10_000,
  brierHorizonMs: 1000,
  maxDrawdownPct: 1.2,
  equitySamples: 600,
  fills: 6000,
};

describe("verdict", () => {
  it("GO when every criterion passes", () => {
    const v = computeVerdict(good, DEFAULT_CRITERIA);
    expect(v.overall).toBe("GO");
    expect(v.exitCode).toBe(0);
    expect(v.criteria.map((c) => c.status)).toEqual(["PASS", "PASS", "PASS", "PASS"]);
  });

  it("judges the Lo-adjusted Sharpe when it is computable, else the √P one (with a note)", () => {
    const lo = computeVerdict({ ...good, sharpeAnnualized: 3.1, loSharpeAnnualized: 1.4 }, DEFAULT_CRITERIA);
    expect(lo.criteria[0]!.name).toBe("Sharpe (annualized, Lo-adjusted, all)");
    expect(lo.criteria[0]!.value).toBe(1.4);
    expect(lo.criteria[0]!.status).toBe("FAIL"); // autocorrelated returns: 3.1 was overstated
    const noLo = computeVerdict({ ...good, loSharpeAnnualized: null }, DEFAULT_CRITERIA);
    expect(noLo.criteria[0]!.name).toBe("Sharpe (annualized, all)");
    expect(noLo.criteria[0]!.status).toBe("PASS");
    expect(noLo.notes.join(" ")).toMatch(/Lo's autocorrelation adjustment was not computable/);
  });

  it("never judges a Sharpe that Lo's adjustment raised (negative autocorrelation estimates)", () => {
    const up = computeVerdict({ ...good, sharpeAnnualized: 1.9, loSharpeAnnualized: 3.2 }, DEFAULT_CRITERIA);
    expect(up.criteria[0]!.name).toBe("Sharpe (annualized, all)");
    expect(up.criteria[0]!.value).toBe(1.9);
    expect(up.criteria[0]!.status).toBe("FAIL");
    expect(up.notes.join(" ")).toMatch(/would raise it \(1\.90 → 3\.20/);
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        (plain, lo) => {
          const v = computeVerdict(
            { ...good, sharpeAnnualized: plain, loSharpeAnnualized: lo },
            DEFAULT_CRITERIA,
          );
          expect(v.criteria[0]!.value).toBe(Math.min(plain, lo));
        },
      ),
    );
  });

  it("sample minimums are inclusive: exactly 30 buckets, 100 forecasts, 5000 fills are judged", () => {
    const v = computeVerdict(
      { ...good, sharpeSamples: 30, brierSamples: 100, fills: 5000 },
      DEFAULT_CRITERIA,
    );
    expect(v.criteria.map((c) => c.status)).toEqual(["PASS", "PASS", "PASS", "PASS"]);
    expect(v.overall).toBe("GO");
    const short = computeVerdict({ ...good, sharpeSamples: 29, fills: 4999 }, DEFAULT_CRITERIA);
    expect(short.criteria[0]!.status).toBe("INSUFFICIENT DATA");
    expect(short.criteria[3]!.status).toBe("INSUFFICIENT DATA");
  });

  it("Brier skill must be above the minimum (0 exactly is no skill); a CI reaching exactly 0 does not leave it open", () => {
    // skill exactly 0 and a CI whose top is 0 too: no skill shown and none possible → FAIL
    const zero = computeVerdict(
      { ...good, brier: 0.15, brierSkill: 0, brierSkillCiHigh: 0, brierBaseRate: 0.3 },
      DEFAULT_CRITERIA,
    );
    expect(zero.criteria[1]!.status).toBe("FAIL");
    // a CI above 0 leaves it undecided …
    const open = computeVerdict(
      { ...good, brier: 0.15, brierSkill: 0, brierSkillCiHigh: 0.01, brierBaseRate: 0.3 },
      DEFAULT_CRITERIA,
    );
    expect(open.criteria[1]!.status).toBe("INSUFFICIENT DATA");
    // … unless the score itself fails its threshold: that FAIL stands
    const high = computeVerdict(
      { ...good, brier: 0.25, brierSkill: -0.1, brierSkillCiHigh: 0.05, brierBaseRate: 0.5 },
      DEFAULT_CRITERIA,
    );
    expect(high.criteria[1]!.status).toBe("FAIL");
  });

  it("thresholds are strict: Sharpe exactly 2 or Brier exactly 0.20 or DD exactly 3% fail", () => {
    expect(computeVerdict({ ...good, sharpeAnnualized: 2 }, DEFAULT_CRITERIA).criteria[0]!.status).toBe(
      "FAIL",
    );
    expect(computeVerdict({ ...good, brier: 0.2 }, DEFAULT_CRITERIA).criteria[1]!.status).toBe("FAIL");
    expect(computeVerdict({ ...good, maxDrawdownPct: 3 }, DEFAULT_CRITERIA).criteria[2]!.status).toBe("FAIL");
  });

  it("an empty Brier tracker is INSUFFICIENT DATA, never a pass", () => {
    const v = computeVerdict({ ...good, brier: null, brierSamples: 0 }, DEFAULT_CRITERIA);
    expect(v.criteria[1]!.status).toBe("INSUFFICIENT DATA");
    expect(v.overall).toBe("INSUFFICIENT DATA");
    expect(v.exitCode).toBe(3);
  });

  it("a Brier over forecasts that all resolved the same way is INSUFFICIENT DATA, not a pass", () => {
    // e.g. quotes so wide that nothing fills: forecasts near 0, outcomes all 0, Brier ≈ 0
    for (const brierBaseRate of [0, 1]) {
      const v = computeVerdict({ ...good, brier: 0.0001, brierBaseRate }, DEFAULT_CRITERIA);
      expect(v.criteria[1]!.status).toBe("INSUFFICIENT DATA");
      expect(v.criteria[1]!.detail).toMatch(/resolved (unfilled|filled)/);
      expect(v.overall).toBe("INSUFFICIENT DATA");
    }
    expect(computeVerdict({ ...good, brierBaseRate: 0.001 }, DEFAULT_CRITERIA).overall).toBe("GO");
  });

  it("a Brier under the bound but no better than always forecasting the fill rate FAILs", () => {
    // real capture: Brier 0.0445 at 1 s, base rate 0.04, skill −0.154
    const v = computeVerdict(
      { ...good, brier: 0.0445, brierSkill: -0.154, brierBaseRate: 0.04 },
      DEFAULT_CRITERIA,
    );
    expect(v.criteria[1]!.status).toBe("FAIL");
    expect(v.criteria[1]!.detail).toMatch(
      /skill -0\.154 <= 0: no better than always forecasting the fill rate 0\.040/,
    );
    expect(v.overall).toBe("NO-GO");
    expect(computeVerdict({ ...good, brierSkill: 0.07 }, DEFAULT_CRITERIA).overall).toBe("GO");
    // the skill's CI decides: below 0 at its best → FAIL; reaching above 0 → not shown yet
    const real = { ...good, brier: 0.0445, brierSkill: -0.154, brierBaseRate: 0.04 };
    const sig = computeVerdict({ ...real, brierSkillCiHigh: -0.02 }, DEFAULT_CRITERIA);
    expect(sig.criteria[1]!.status).toBe("FAIL");
    expect(sig.criteria[1]!.detail).toContain("skill -0.154 (95% CI up to -0.020) <= 0");
    const open = computeVerdict({ ...real, brierSkillCiHigh: 0.03 }, DEFAULT_CRITERIA);
    expect(open.criteria[1]!.status).toBe("INSUFFICIENT DATA");
    expect(open.criteria[1]!.detail).toBe(
      "skill -0.154 (95% CI up to 0.030): not shown better than always forecasting the fill rate 0.040 yet",
    );
    // one fill among 300 forecasts (like the 120 s sample: 1 of 366): too few of one outcome to judge
    const few = computeVerdict(
      { ...good, brier: 0.0032, brierSamples: 300, brierSkill: -0.17, brierBaseRate: 1 / 300 },
      DEFAULT_CRITERIA,
    );
    expect(few.criteria[1]!.status).toBe("INSUFFICIENT DATA");
    expect(few.criteria[1]!.detail).toBe("1 filled and 299 unfilled forecasts (need >= 10 of each)");
    const unchecked = { ...DEFAULT_CRITERIA, minBrierSkill: null };
    expect(computeVerdict({ ...good, brierSkill: -0.154 }, unchecked).overall).toBe("GO");
  });

  it("edge criterion: significantly negative FAILs at any sample, not significant waits for minFills", () => {
    const edge = {
      horizonMs: 5000,
      n: 56,
      meanBps: -2.434,
      ciBps: [-3.56, -1.31] as [number, number],
      ciLevel: 0.9,
    };
    const neg = computeVerdict(
      { ...good, fills: 56, edge: { ...edge, verdict: "NEGATIVE_EDGE" } },
      DEFAULT_CRITERIA,
    );
    const e = neg.criteria.find((c) => c.id === "edge")!;
    expect(e.status).toBe("FAIL");
    expect(e.detail).toBe("significantly negative: mean -2.434 bps over 56 fills, 90% CI [-3.560, -1.310]");
    expect(neg.overall).toBe("NO-GO"); // a FAIL dominates the too-few-fills INSUFFICIENT DATA
    const flat = {
      ...edge,
      meanBps: 0.1,
      ciBps: [-0.2, 0.4] as [number, number],
      verdict: "NO_SIGNIFICANT_EDGE",
    };
    const early = computeVerdict({ ...good, fills: 56, edge: flat }, DEFAULT_CRITERIA);
    expect(early.criteria.find((c) => c.id === "edge")!.status).toBe("INSUFFICIENT DATA");
    const late = computeVerdict({ ...good, edge: { ...flat, n: 6000 } }, DEFAULT_CRITERIA);
    expect(late.criteria.find((c) => c.id === "edge")!.status).toBe("FAIL");
    expect(late.overall).toBe("NO-GO");
    const lenient = { ...DEFAULT_CRITERIA, edgeCriterion: "not_negative" as const };
    expect(computeVerdict({ ...good, edge: { ...flat, n: 6000 } }, lenient).overall).toBe("GO");
    expect(computeVerdict({ ...good, edge: { ...edge, verdict: "NEGATIVE_EDGE" } }, lenient).overall).toBe(
      "NO-GO",
    );
    const pos = computeVerdict(
      { ...good, edge: { ...edge, meanBps: 1.2, verdict: "POSITIVE_EDGE" } },
      DEFAULT_CRITERIA,
    );
    expect(pos.overall).toBe("GO");
    expect(pos.criteria.map((c) => c.id)).toEqual(["sharpe", "brier", "drawdown", "fills", "edge"]);
    const off = { ...DEFAULT_CRITERIA, edgeCriterion: "off" as const };
    expect(computeVerdict({ ...good, edge: { ...edge, verdict: "NEGATIVE_EDGE" } }, off).overall).toBe("GO");
    // another horizon than the records' primary one is judged: the detail says so
    const other = computeVerdict(
      {
        ...good,
        edge: {
          ...edge,
          verdict: "NEGATIVE_EDGE",
          note: "the records name no primary horizon: the first one is judged",
        },
      },
      DEFAULT_CRITERIA,
    );
    expect(other.criteria.find((c) => c.id === "edge")!.detail).toMatch(
      /\(the records name no primary horizon: the first one is judged\)$/,
    );
    // no edge records at all (file missing or unreadable): never a GO by leaving the edge out
    const missing = computeVerdict({ ...good, edge: null }, DEFAULT_CRITERIA);
    expect(missing.criteria.find((c) => c.id === "edge")!.status).toBe("INSUFFICIENT DATA");
    expect(missing.overall).toBe("INSUFFICIENT DATA");
    const few = computeVerdict(
      { ...good, edge: { ...edge, n: 5, verdict: "INSUFFICIENT_DATA" } },
      DEFAULT_CRITERIA,
    );
    expect(few.criteria.find((c) => c.id === "edge")!.detail).toBe("5 fills with a markout (need >= 30)");
  });

  it("too few fills blocks GO with a warning", () => {
    const v = computeVerdict({ ...good, fills: 4999 }, DEFAULT_CRITERIA);
    expect(v.overall).toBe("INSUFFICIENT DATA");
    expect(v.notes.join(" ")).toMatch(/too few fills \(4999 < 5000\)/);
  });

  it("a FAIL dominates insufficient data (NO-GO, exit 1)", () => {
    const v = computeVerdict({ ...good, maxDrawdownPct: 7, fills: 10 }, DEFAULT_CRITERIA);
    expect(v.overall).toBe("NO-GO");
    expect(v.exitCode).toBe(1);
  });

  it("streams that mix runs: INSUFFICIENT DATA (exit 3) even when every criterion passes or one fails", () => {
    const pass = computeVerdict({ ...good, mixedRuns: true }, DEFAULT_CRITERIA);
    expect(pass.criteria.map((c) => c.status)).toEqual(["PASS", "PASS", "PASS", "PASS"]);
    expect(pass.overall).toBe("INSUFFICIENT DATA");
    expect(pass.exitCode).toBe(3);
    expect(pass.notes.join(" ")).toMatch(/No verdict: the streams mix runs/);
    const fail = computeVerdict({ ...good, maxDrawdownPct: 7, mixedRuns: true }, DEFAULT_CRITERIA);
    expect(fail.overall).toBe("INSUFFICIENT DATA");
    expect(fail.notes.join(" ")).toMatch(/On the mixed data: drawdown failed/);
    expect(computeVerdict({ ...good, mixedRuns: false }, DEFAULT_CRITERIA).overall).toBe("GO");
  });

  it("property: overall is GO iff all PASS, NO-GO iff any FAIL", () => {
    const maybe = (arb: fc.Arbitrary<number>) => fc.option(arb, { nil: null });
    fc.assert(
      fc.property(
        maybe(fc.double({ min: -5, max: 10, noNaN: true })),
        maybe(fc.double({ min: 0, max: 1, noNaN: true })),
        maybe(fc.double({ min: 0, max: 20, noNaN: true })),
        fc.nat(20_000),
        fc.nat(2000),
        (sharpe, brier, dd, fills, n) => {
          const v = computeVerdict(
            {
              sharpeAnnualized: sharpe,
              sharpeSamples: n,
              brier,
              brierSamples: n,
              brierHorizonMs: null,
              maxDrawdownPct: dd,
              equitySamples: n,
              fills,
            },
            DEFAULT_CRITERIA,
          );
          const st = v.criteria.map((c) => c.status);
          if (st.includes("FAIL")) return v.overall === "NO-GO" && v.exitCode === 1;
          if (st.includes("INSUFFICIENT DATA")) return v.overall === "INSUFFICIENT DATA" && v.exitCode === 3;
          return v.overall === "GO" && v.exitCode === 0;
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe("verdict — kill switch", () => {
  const halt = { tsMs: Date.UTC(2025, 0, 1, 2, 30), reason: "non-finite equityQuote: NaN" };

  it("a run whose kill switch halted is NO-GO, with a note naming the time and reason", () => {
    const v = computeVerdict({ ...good, killSwitchHalts: 1, firstHalt: halt }, DEFAULT_CRITERIA);
    expect(v.overall).toBe("NO-GO");
    expect(v.exitCode).toBe(1);
    const ks = v.criteria.find((c) => c.id === "kill_switch")!;
    expect(ks.status).toBe("FAIL");
    expect(ks.detail).toBe("halted 1x, first at 2025-01-01T02:30:00Z (non-finite equityQuote: NaN)");
    expect(v.notes).toContain(
      "KILL SWITCH HALTED the run at 2025-01-01T02:30:00Z (non-finite equityQuote: NaN): the risk limits stopped the strategy.",
    );
  });

  it("allowHalted: true lets the other criteria decide; no halt adds no criterion", () => {
    const allowed = computeVerdict(
      { ...good, killSwitchHalts: 2, firstHalt: halt },
      { ...DEFAULT_CRITERIA, allowHalted: true },
    );
    expect(allowed.overall).toBe("GO");
    expect(allowed.criteria.find((c) => c.id === "kill_switch")!.status).toBe("PASS");
    expect(allowed.notes.join(" ")).toMatch(
      /halted the run at 2025-01-01T02:30:00Z .*allowed by allowHalted/,
    );
    const none = computeVerdict({ ...good, killSwitchHalts: 0, firstHalt: null }, DEFAULT_CRITERIA);
    expect(none.overall).toBe("GO");
    expect(none.criteria.map((c) => c.id)).toEqual(["sharpe", "brier", "drawdown", "fills"]);
  });

  it("mixed runs still dominate a halt", () => {
    const v = computeVerdict(
      { ...good, killSwitchHalts: 1, firstHalt: halt, mixedRuns: true },
      DEFAULT_CRITERIA,
    );
    expect(v.overall).toBe("INSUFFICIENT DATA");
  });
});
