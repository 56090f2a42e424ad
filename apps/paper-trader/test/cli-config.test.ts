import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnCli, tempDir } from "./helpers.js";

describe("paper-trader CLI", () => {
  it("--config takes flag names as well as config field names and a previous run's config block; one field in both spellings, or a key without effect on the source, is exit 2", async () => {
    const tmp = tempDir();
    const cfg = join(tmp, "cfg.json");
    const dir = join(tmp, "out");
    writeFileSync(
      cfg,
      JSON.stringify({ duration: 60, "ladder-levels": 2, fillModel: "touch", "kill-drawdown-pct": 20 }),
    );
    const ok = await spawnCli(["--config", cfg, "--output-dir", dir, "--log-level", "warn"]).done;
    expect(ok.code, ok.stderr).toBe(0);
    const config = (
      JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as { config: Record<string, unknown> }
    ).config;
    expect(config).toMatchObject({
      durationSec: 60,
      ladderLevels: 2,
      fillModel: "touch",
      killDrawdownPct: 20,
    });
    const bad = join(tmp, "bad");
    for (const [body, message] of [
      [
        { duration: 60, durationSec: 120 },
        'paper-trader: invalid --config: keys "duration" and "durationSec" both set --duration; keep one',
      ],
      [
        { "ladder-levels": 0 },
        'paper-trader: invalid config field "ladder-levels": Too small: expected number to be >=1',
      ],
      [{ config: "other.json" }, "paper-trader: invalid config: unknown key(s) config"],
      [
        { asset: "ETH" },
        /^paper-trader: invalid --asset: no effect with --source synthetic .*; it needs --source replay or hyperliquid$/,
      ],
    ] as const) {
      writeFileSync(cfg, JSON.stringify(body));
      const r = await spawnCli(["--config", cfg, "--output-dir", bad]).done;
      expect(r.code, JSON.stringify(body)).toBe(2);
      if (typeof message === "string") expect(r.stderr).toBe(`${message}\n`);
      else expect(r.stderr.trim()).toMatch(message);
      expect(r.stdout).toBe("");
    }
    expect(existsSync(bad)).toBe(false);
    // A previous run's whole config block (every field, defaults included) is a valid config file.
    const { outputDir: _o, resume: _r, ...previous } = config;
    writeFileSync(cfg, JSON.stringify(previous));
    const again = await spawnCli(["--config", cfg, "--output-dir", join(tmp, "again"), "--log-level", "warn"])
      .done;
    expect(again.code, again.stderr).toBe(0);
  });

  it("a bad --config file names the field and exits 2", async () => {
    const tmp = tempDir();
    const cfg = join(tmp, "cfg.json");
    writeFileSync(cfg, JSON.stringify({ fillModel: "nope", seed: 3 }));
    const dir = join(tmp, "out");
    const r = await spawnCli(["--config", cfg, "--output-dir", dir]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config field "fillModel": allowed values are touch\|queue\|through/);
    writeFileSync(cfg, "{ not json");
    const r2 = await spawnCli(["--config", cfg, "--output-dir", dir]).done;
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/is not valid JSON/);
    writeFileSync(cfg, JSON.stringify({ seed: 3, bogus: 1 }));
    const r3 = await spawnCli(["--config", cfg, "--output-dir", dir]).done;
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/invalid config: unknown key\(s\) bogus/);
    expect(existsSync(dir)).toBe(false);
  });
});
