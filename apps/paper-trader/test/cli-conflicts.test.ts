/** Command-line errors and precedences checked in-process: a non-finite number, flag vs config file, speed, dependent flags. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCli } from "../src/cli-args.js";
import { ConfigError, parseConfig, parseSpeed } from "../src/config.js";
import { tempDir } from "./helpers.js";

describe("command-line errors and precedences", () => {
  it("a number too large for a double (1e999) is 'expected a number', not a range error on Infinity", async () => {
    await expect(parseCli(["--gamma", "1e999"])).rejects.toThrow(/^invalid --gamma: expected a number$/);
  });

  it("a flag overrides the same setting in the --config file", async () => {
    const file = join(tempDir(), "c.json");
    writeFileSync(file, JSON.stringify({ seed: 7, "ladder-levels": 5 }));
    const r = await parseCli(["--config", file, "--seed", "9"]);
    if (r.kind !== "run") throw new Error(`expected a run, got ${r.kind}`);
    expect(r.config.seed).toBe(9);
    expect(r.config.ladderLevels).toBe(5); // the file's, where no flag says otherwise
  });

  it("--speed 0x is refused (a zero multiplier never advances)", () => {
    expect(() => parseSpeed("0x")).toThrow(ConfigError);
    expect(() => parseSpeed("0.0x")).toThrow(/^invalid --speed: /);
    expect(parseSpeed("2.5x")).toBe(2.5);
  });

  it("--fill-prob has no effect with --fill-model through (only touch uses it)", () => {
    expect(() => parseConfig({ fillModel: "through", fillProb: 0.3 })).toThrow(
      /^invalid --fill-prob: no effect with --fill-model through /,
    );
    expect(parseConfig({ fillModel: "touch", fillProb: 0.3 }).fillProb).toBe(0.3);
  });
});
