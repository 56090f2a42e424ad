import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCli, UsageError } from "../src/cli-args.js";
import { tempDir } from "./helpers.js";

describe("flags yargs would take silently are refused with the flag named", () => {
  it.each([
    [["--config", "a.json", "--config", "b.json"], "invalid --config: given more than once"],
    [["--output-dir", "X", "--outputDir", "X"], "invalid --output-dir: given more than once"],
    [["--resume", "--no-resume"], "invalid --resume: given more than once"],
    [["--duration"], "invalid --duration: needs a value (a number)"],
    [["--duration", "--seed", "3"], "invalid --duration: needs a value (a number)"],
    [["--crash-at-sec"], "invalid --crash-at-sec: needs a value"],
    [["--duration="], "invalid --duration: needs a value"],
    [["--fill-model"], "invalid --fill-model: needs a value (touch|queue|through)"],
    [["--speed", "-1x"], 'invalid --speed: "-1x" reads as a flag; write --speed=-1x'],
    [["--duration", "0x10"], 'invalid --duration: expected a decimal number, got "0x10"'],
    [["--seed=0b11"], 'invalid --seed: expected a decimal number, got "0b11"'],
    [["--duration", "Infinity"], "invalid --duration: expected a decimal number"],
    [["--resume=maybe"], 'invalid --resume: got "maybe", allowed values are true|false'],
  ])("%j", async (args, message) => {
    const err = await parseCli(args).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(message);
  });

  it("an unknown flag is named once, in the spelling given", async () => {
    const err = await parseCli(["--bogus-flag"]).catch((e: unknown) => e);
    expect((err as Error).message).toBe("unknown flag(s): --bogus-flag (see --help)");
    const upper = await parseCli(["--Gamma", "5"]).catch((e: unknown) => e);
    expect((upper as Error).message).toBe("unknown flag(s): --Gamma (see --help)");
  });

  it("negative numbers in every decimal spelling are values, not short flags", async () => {
    for (const [v, expected] of [
      ["-1e-1", -0.1],
      ["-5.", -5],
      ["-.5", -0.5],
      ["-2E0", -2],
    ] as const) {
      const r = await parseCli(["--maker-fee-bps", v]);
      if (r.kind !== "run") throw new Error("expected a run");
      expect(r.config.makerFeeBps, v).toBe(expected);
    }
  });

  it("still takes negative numbers, exponents, --flag=value and booleans as before", async () => {
    const r = await parseCli(["--maker-fee-bps", "-1", "--duration=1e1", "--resume=false", "--seed", "+3"]);
    if (r.kind !== "run") throw new Error("expected a run");
    expect(r.config.makerFeeBps).toBe(-1);
    expect(r.config.durationSec).toBe(10);
    expect(r.config.seed).toBe(3);
    expect(r.config.resume).toBe(false);
  });
});

describe("--config files as editors write them", () => {
  it("a byte-order mark is skipped; a __proto__ key is an unknown key, not a prototype", async () => {
    const dir = tempDir();
    const bom = join(dir, "bom.json");
    writeFileSync(bom, `\uFEFF${JSON.stringify({ seed: 7 })}`);
    const r = await parseCli(["--config", bom]);
    if (r.kind !== "run") throw new Error("expected a run");
    expect(r.config.seed).toBe(7);
    const proto = join(dir, "proto.json");
    writeFileSync(proto, '{"seed": 3, "__proto__": {"gamma": 1}}');
    const err = await parseCli(["--config", proto]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe("invalid config: unknown key(s) __proto__");
  });
});
