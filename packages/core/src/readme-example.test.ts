// The README's usage example, run exactly as written (its imports resolve to this package's
// sources), with the printed output checked against the README's "Output (abridged)" block.
import { expect, it } from "vitest";
import {
  matchesDocumentedLine,
  printedLines,
  readmeOutputBlock,
  readmeTsBlock,
  runExample,
} from "../../../readme-example.js";

const README = new URL("../README.md", import.meta.url);

it("README usage example runs and prints what the README shows", async () => {
  const code = readmeTsBlock(README, "## Usage");
  expect(code).toContain('from "@mmkit/core"');
  const printed = printedLines(await runExample(code));
  const documented = readmeOutputBlock(README, "Output (abridged):");
  const shown = printed.filter((line) => documented.some((d) => matchesDocumentedLine(d, line)));
  // every documented line appears, in order, among the printed ones
  expect(shown.length).toBe(documented.length);
  for (let i = 0; i < documented.length; i++)
    expect(matchesDocumentedLine(documented[i]!, shown[i]!)).toBe(true);
  expect(printed.join("\n")).not.toMatch(/NaN|undefined|Infinity/);
});
