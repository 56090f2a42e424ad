import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIELD_TO_FLAG } from "../src/config.js";
import { REPO_ROOT, spawnCli } from "./helpers.js";

describe("paper-trader CLI", () => {
  it("--help documents every flag with its default", async () => {
    const { done } = spawnCli(["--", "--help"]);
    const r = await done;
    expect(r.code).toBe(0);
    for (const flag of [
      "--source",
      "--input",
      "--asset",
      "--sz-decimals",
      "--tick-size",
      "--lot-size",
      "--duration",
      "--speed",
      "--seed",
      "--gamma",
      "--ladder-levels",
      "--ladder-ratio",
      "--min-spread-bps",
      "--fill-model",
      "--fill-prob",
      "--queue-trade-lag-ms",
      "--kill-drawdown-pct",
      "--output-dir",
      "--config",
      "--resume",
      "--log-level",
      "--metrics-port",
    ]) {
      expect(r.stdout, flag).toContain(flag);
    }
    expect(r.stdout).toContain('"logs/paper_trading"');
  });

  it("--help shows the real defaults of --gamma and --max-position-lots", async () => {
    const r = await spawnCli(["--", "--help"]).done;
    expect(r.code).toBe(0);
    const entry = (flag: string): string => {
      const start = r.stdout.indexOf(`${flag} `);
      const next = r.stdout.indexOf("\n      --", start + 1);
      return r.stdout.slice(start, next < 0 ? undefined : next).replace(/\s+/g, " ");
    };
    expect(entry("--gamma")).toContain("[default: 400]");
    expect(entry("--max-position-lots")).toContain("[default: 10]");
    expect(r.stdout).not.toContain("default from the risk budget");
  });

  it("the README lists every --config key in both spellings", () => {
    const readme = readFileSync(join(REPO_ROOT, "apps/paper-trader/README.md"), "utf8");
    for (const [field, flag] of Object.entries(FIELD_TO_FLAG))
      expect(readme).toContain(`| \`${flag.slice(2)}\` | \`${field}\` |`);
  });
});
