/** A run whose kill switch halted is not GO (events.jsonl feeds the verdict). */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { main } from "../src/main.js";
import { renderText } from "../src/render-text.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { event, T0, tempDirs, writeRunDir } from "./run-dir.js";

const tmp = tempDirs("halt");
const quiet = { stdout: () => {}, stderr: () => {} };

describe("kill switch halt", () => {
  it("turns the golden GO run into NO-GO naming time and reason; allowHalted restores GO", async () => {
    const files = goldenFiles();
    const at = T0 + 200_000;
    files.events = [
      ...(files.events ?? []),
      event(at, "kill_switch", "active", "halted", "non-finite equityQuote: NaN"),
    ].sort((a, b) => a.ts_ms - b.ts_ms);
    const dir = await writeRunDir(await tmp("halted"), files);
    const go = await buildReport(await writeRunDir(await tmp("go"), goldenFiles()), {
      criteria: parseCriteria(GOLDEN_CRITERIA),
    });
    expect(go.verdict.overall).toBe("GO");

    const r = await buildReport(dir, { criteria: parseCriteria(GOLDEN_CRITERIA) });
    expect(r.events.killSwitchHalts).toBe(1);
    expect(r.events.firstHalt).toEqual({ tsMs: at, reason: "non-finite equityQuote: NaN" });
    expect(r.verdict.overall).toBe("NO-GO");
    expect(r.verdict.notes.join("\n")).toContain(
      "KILL SWITCH HALTED the run at 2024-08-09T00:03:20Z (non-finite equityQuote: NaN)",
    );
    expect(renderText(r)).toContain("VERDICT: NO-GO");

    const allowed = await buildReport(dir, {
      criteria: parseCriteria({ ...GOLDEN_CRITERIA, allowHalted: true }),
    });
    expect(allowed.verdict.overall).toBe("GO");

    // through the CLI with a criteria file
    const crit = join(dir, "..", "crit-halt.json");
    await writeFile(crit, JSON.stringify(GOLDEN_CRITERIA));
    expect(await main([dir, "--criteria", crit, "-q"], quiet)).toBe(1);
    await writeFile(crit, JSON.stringify({ ...GOLDEN_CRITERIA, allowHalted: true }));
    expect(await main([dir, "--criteria", crit, "-q"], quiet)).toBe(0);
  });

  it("allowHalted must be a boolean (the error names the field)", () => {
    expect(() => parseCriteria({ allowHalted: "yes" })).toThrow(/allowHalted/);
  });
});
