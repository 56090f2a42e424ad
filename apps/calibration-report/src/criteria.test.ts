import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_CRITERIA, loadCriteria, parseCriteria } from "./criteria.js";

const created: string[] = [];
async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "crit-"));
  created.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of created) await rm(d, { recursive: true, force: true });
});

describe("criteria", () => {
  it("defaults to the design thresholds", () => {
    expect(DEFAULT_CRITERIA).toMatchObject({
      minSharpe: 2,
      maxBrier: 0.2,
      maxDrawdownPct: 3,
      minFills: 5000,
    });
  });

  it("rejects bad fields naming them", () => {
    expect(() => parseCriteria({ maxBrier: 2 })).toThrow(/maxBrier/);
    expect(() => parseCriteria({ minFills: -1 })).toThrow(/minFills/);
    expect(() => parseCriteria({ bogus: 1 })).toThrow(/invalid field/);
  });

  it("merges a file with flag overrides (flags win)", async () => {
    const dir = await tmp();
    const file = join(dir, "c.json");
    await writeFile(file, JSON.stringify({ minSharpe: 1.5, maxBrier: 0.25 }));
    const c = await loadCriteria(file, { maxBrier: 0.1, minFills: undefined });
    expect(c.minSharpe).toBe(1.5);
    expect(c.maxBrier).toBe(0.1);
    expect(c.minFills).toBe(5000);
  });

  it("names the file on unreadable or invalid JSON", async () => {
    const dir = await tmp();
    await expect(loadCriteria(join(dir, "nope.json"))).rejects.toThrow(
      /cannot read criteria file .*nope\.json/,
    );
    const bad = join(dir, "bad.json");
    await writeFile(bad, "{ not json");
    await expect(loadCriteria(bad)).rejects.toThrow(/not valid JSON/);
    const arr = join(dir, "arr.json");
    await writeFile(arr, "[1]");
    await expect(loadCriteria(arr)).rejects.toThrow(/JSON object/);
    const wrong = join(dir, "wrong.json");
    await writeFile(wrong, JSON.stringify({ maxDrawdownPct: "3" }));
    await expect(loadCriteria(wrong)).rejects.toThrow(/maxDrawdownPct/);
  });
});
