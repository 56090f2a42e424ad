// The README's examples, run as written (imports resolve to this package's sources) so they
// cannot rot. Part 3 of the usage example needs the public Hyperliquid endpoint and runs until
// stopped, so it is cut off here; the live adapter is tested against local venues in test/feeds.
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { printedLines, readmeTsBlock, runExample } from "../../../readme-example.js";

const README = new URL("../README.md", import.meta.url);
const SAMPLE = "data/samples/hyperliquid-btc-20250126.gz";

it("README usage example, parts 1 and 2 (synthetic market, replay of the real sample)", async () => {
  const code = readmeTsBlock(README, "## Usage");
  const part3 = code.indexOf("// 3)");
  expect(part3).toBeGreaterThan(0);
  expect(code).toContain(`"${SAMPLE}"`);
  // the README runs from the repository root; the test's working directory is the package
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const calls = await runExample(code.slice(0, part3).replace(`"${SAMPLE}"`, JSON.stringify(root + SAMPLE)));
  expect(calls).toHaveLength(1);
  const [events, badLines] = calls[0] as [Record<string, number>, unknown[]];
  // the sample (data/samples/README.md): 46 l2Book snapshots; its 9 trades batches hold 31 prints
  expect(events).toEqual({ snapshot: 46, delta: 0, bbo: 0, trade: 31, health: 0 });
  expect(badLines).toEqual([]);
});

it("README paper exchange example fills both sides and reports finite PnL", async () => {
  const calls = await runExample(readmeTsBlock(README, "#### Usage"));
  const fills = calls.filter((args) => args[0] === "fill");
  expect(fills.some((args) => args[1] === "buy")).toBe(true);
  expect(fills.some((args) => args[1] === "sell")).toBe(true);
  const pnl = calls[calls.length - 1]![0] as Record<string, number>;
  for (const key of ["cashQuote", "feesQuote", "equityQuote"]) expect(Number.isFinite(pnl[key])).toBe(true);
  expect(printedLines(calls).join("\n")).not.toMatch(/NaN|undefined|Infinity|null/);
});
