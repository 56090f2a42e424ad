import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openReplay, Recorder } from "@mmkit/exchange";
import { describe, expect, it } from "vitest";
import { FIELD_TO_FLAG } from "../src/config.js";
import {
  BINANCE_SAMPLE,
  killAtMidCheckpoint,
  readJoinedStreams,
  REPO_ROOT,
  readStreams,
  runInProcess,
  spawnCli,
  tempDir,
  waitFor,
} from "./helpers.js";

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

  it.each([
    [
      ["--fill-model", "magic"],
      /invalid --fill-model: got "?magic"?, allowed values are touch\|queue\|through/,
    ],
    [["--speed", "fast"], /invalid --speed/],
    [["--fill-prob", "1.5"], /invalid --fill-prob/],
    [["--duration", "abc"], /invalid --duration/],
    // accepted by a looser app schema, they used to fail in the quote engine after the previous run was archived
    [["--gamma", "2e7"], /invalid --gamma: .*10000000/],
    [["--ladder-ratio", "1"], /invalid --ladder-ratio: .*>1/],
    [["--max-position-lots", "2e9"], /invalid --max-position-lots/],
    [["--queue-trade-lag-ms", "-5"], /invalid --queue-trade-lag-ms/],
    // below the synthetic market's 0.001 lot: nothing could ever be quoted (it ran with 0 fills)
    [
      ["--order-size", "0.0001"],
      /invalid --order-size: 0\.0001 base units is below the instrument's lot \(0\.001\)/,
    ],
    [["--max-position-lots", "0.5"], /invalid --max-position-lots: 0\.5 × 0\.001 base units is below/],
    [["--no-such-flag", "1"], /unknown flag/],
    [["--source", "replay"], /invalid --input: required with --source replay/],
    [["--source", "replay", "--input", "/definitely/missing.gz"], /invalid --input: ENOENT/],
    [["--source", "replay", "--input", "package.json"], /invalid --input: unrecognized replay format/],
    [["--binance-lead"], /invalid --binance-lead: .*needs --source hyperliquid/],
    // flags without effect on the chosen source (they ran the synthetic market, or only relabelled it)
    [
      ["--input", "data/samples/hyperliquid-btc-20250126.gz"],
      /^paper-trader: invalid --input: no effect with --source synthetic .*; it needs --source replay$/,
    ],
    [
      ["--asset", "ETH"],
      /^paper-trader: invalid --asset: no effect with --source synthetic .*; it needs --source replay or hyperliquid$/,
    ],
    [
      ["--sz-decimals", "3"],
      /^paper-trader: invalid --sz-decimals: no effect with --source synthetic .*; it needs --source replay or hyperliquid$/,
    ],
    [
      ["--tick-size", "0.5"],
      /^paper-trader: invalid --tick-size: no effect with --source synthetic .*; it needs --source replay$/,
    ],
    [
      ["--lot-size", "0.01"],
      /^paper-trader: invalid --lot-size: no effect with --source synthetic .*; it needs --source replay$/,
    ],
    [
      ["--source", "hyperliquid", "--tick-size", "1"],
      /^paper-trader: invalid --tick-size: no effect with --source hyperliquid .*; it needs --source replay$/,
    ],
    [
      ["--source", "hyperliquid", "--binance-symbol", "ETHUSDT"],
      /^paper-trader: invalid --binance-symbol: .*needs --binance-lead/,
    ],
    [
      ["--source", "hyperliquid", "--record-rotate-min", "5"],
      /^paper-trader: invalid --record-rotate-min: no effect without --record .*; it needs --record DIR$/,
    ],
    [
      ["--fill-prob", "0.3"],
      /^paper-trader: invalid --fill-prob: no effect with --fill-model queue .*; it needs --fill-model touch$/,
    ],
    [
      ["--fill-model", "through", "--queue-trade-lag-ms", "250"],
      /^paper-trader: invalid --queue-trade-lag-ms: no effect with --fill-model through .*; it needs --fill-model queue$/,
    ],
    [
      ["--source", "hyperliquid", "--speed", "2x"],
      /^paper-trader: invalid --speed: no effect with --source hyperliquid .*; it needs --source synthetic or replay$/,
    ],
    [
      ["--hyperliquid-url", "ws://127.0.0.1:9"],
      /^paper-trader: invalid --hyperliquid-url: no effect with --source synthetic .*; it needs --source hyperliquid$/,
    ],
    [
      ["--source", "hyperliquid", "--binance-url", "ws://127.0.0.1:9"],
      /^paper-trader: invalid --binance-url: no effect without --binance-lead .*; it needs --binance-lead/,
    ],
    [
      ["--source", "replay", "--input", "data/samples/hyperliquid-btc-20250126.gz", "--tick-size", "1"],
      /^paper-trader: invalid --tick-size: .*Hyperliquid.*--sz-decimals/,
    ],
    [
      [
        "--source",
        "replay",
        "--input",
        "data/samples/binance-usdm-btcusdt-20240808-120s.gz",
        "--sz-decimals",
        "3",
      ],
      /^paper-trader: invalid --sz-decimals: .*--tick-size/,
    ],
    [["--lead-input", "x.gz"], /invalid --lead-input: .*needs --source replay/],
    [
      [
        "--source",
        "replay",
        "--input",
        "data/samples/binance-usdm-btcusdt-20240808-120s.gz",
        "--tick-size",
        "1000000",
      ],
      /^paper-trader: invalid --tick-size: 1000000 is above the first price \(61800\.25\)/,
    ],
    [
      ["--order-size", "0.0015"],
      /^paper-trader: invalid --order-size: .*not a whole number of lots \(lot 0\.001\); use 0\.001 or 0\.002$/,
    ],
    [
      [
        "--source",
        "replay",
        "--input",
        "data/samples/hyperliquid-btc-20250126.gz",
        "--lead-input",
        "/nope.gz",
      ],
      /invalid --lead-input: ENOENT/,
    ],
    [
      ["--source", "hyperliquid", "--binance-lead", "--binance-symbol", "BTC-USDT"],
      /invalid --binance-symbol/,
    ],
    [
      // Its REST depth snapshot names no symbol: it must not pass for XRPUSDT data.
      [
        "--source",
        "replay",
        "--input",
        "data/samples/binance-usdm-btcusdt-20240808-120s.gz",
        "--asset",
        "XRPUSDT",
      ],
      /invalid --input: --asset XRPUSDT: no XRPUSDT frames in \S*binance-usdm-btcusdt-20240808-120s\.gz \(it holds BTCUSDT\)/,
    ],
  ])("bad flags %j → one clear line, exit 2, nothing written", async (args, pattern) => {
    const dir = join(tempDir(), "out");
    const { done } = spawnCli([...args, "--output-dir", dir]);
    const r = await done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(pattern);
    expect(r.stdout).toBe("");
    expect(existsSync(dir)).toBe(false);
  });

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

  it("the README lists every --config key in both spellings", () => {
    const readme = readFileSync(join(REPO_ROOT, "apps/paper-trader/README.md"), "utf8");
    for (const [field, flag] of Object.entries(FIELD_TO_FLAG))
      expect(readme).toContain(`| \`${flag.slice(2)}\` | \`${field}\` |`);
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

  it("an --output-dir that is a file, or --resume on a damaged checkpoint: a clear line, exit 2, files untouched", async () => {
    const tmp = tempDir();
    const file = join(tmp, "not-a-dir");
    writeFileSync(file, "keep me");
    const r = await spawnCli(["--duration", "60", "--output-dir", file]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid --output-dir: .*not-a-dir exists and is not a directory/);
    expect(readFileSync(file, "utf8")).toBe("keep me");
    const dir = join(tmp, "run");
    mkdirSync(dir);
    writeFileSync(join(dir, "fills.jsonl"), '{"written":"before"}\n');
    writeFileSync(join(dir, "checkpoint.json"), '{"checkpoint_version": ');
    const r2 = await spawnCli(["--duration", "60", "--output-dir", dir, "--resume"]).done;
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/cannot --resume: checkpoint .*checkpoint.json is not readable JSON/);
    expect(readFileSync(join(dir, "fills.jsonl"), "utf8")).toBe('{"written":"before"}\n');
    expect(readFileSync(join(dir, "checkpoint.json"), "utf8")).toBe('{"checkpoint_version": ');
  });

  it("SIGINT mid-run (twice: the second must not cut the shutdown) flushes every stream, prints the report and exits 0", async () => {
    const dir = join(tempDir(), "out");
    const { child, done } = spawnCli([
      "--duration",
      "3600",
      "--speed",
      "60x",
      "--output-dir",
      dir,
      "--log-level",
      "warn",
    ]);
    expect(await waitFor(() => existsSync(join(dir, "fills.jsonl")), 30_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGINT");
    setTimeout(() => child.kill("SIGINT"), 20);
    const r = await done;
    // Exit 0. The one exception: under load this process's 20 ms timer can fire so late that the
    // second SIGINT lands while the finished child is tearing down (node has closed its signal
    // handles: default action). Everything below must then already be complete — a second signal
    // that cut the shutdown itself would leave the report, checkpoint or streams short.
    if (!(r.code === null && r.signal === "SIGINT")) expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("=== EDGE VALIDATION REPORT ===");
    expect(r.stdout).toContain("Stop: signal SIGINT (--resume continues this run)");
    expect(existsSync(join(dir, "checkpoint.json"))).toBe(true);
    const fills = Number(/fills=(\d+)/.exec(r.stdout)![1]);
    const lines = readStreams(dir).get("fills.jsonl")!.split("\n").filter(Boolean);
    expect(lines).toHaveLength(fills);
    const events = readStreams(dir).get("events.jsonl")!;
    expect(events).toContain('"kind":"run_end"');
  });

  it.each([
    ["a real capture", async () => BINANCE_SAMPLE, 1],
    // Parts of 1 MB (~6): the kill and the resume lie past the first ones. Replayed on local receive
    // time, the tape's arrival curve is in use at 30 s of market time (not at 1 min, back at 90 s).
    [
      "a directory of recording parts (--record's layout)",
      () => recordedParts(BINANCE_SAMPLE, 1_000_000),
      0.5,
    ],
  ])(
    "--resume after SIGKILL on %s (event-time replay, empirical arrival curve in the checkpoint) is byte-identical",
    async (_what, makeInput, checkpointEveryMin) => {
      const input = await makeInput();
      const ref = tempDir();
      await runInProcess({ source: "replay", input, checkpointEveryMin, outputDir: ref });
      const dir = join(tempDir(), "out");
      const args = [
        "--source",
        "replay",
        "--input",
        input,
        "--checkpoint-every-min",
        String(checkpointEveryMin),
        "--log-level",
        "warn",
      ];
      const run = spawnCli([...args, "--speed", "10x", "--output-dir", dir]);
      const cp = join(dir, "checkpoint.json");
      // a mid-run checkpoint holding the empirical arrival curve
      expect(await killAtMidCheckpoint(run, dir, (text) => text.includes('"curve"'))).toBe(true);
      expect(
        (JSON.parse(readFileSync(cp, "utf8")) as { completed_reason: string | null }).completed_reason,
      ).toBeNull();
      await runInProcess({ source: "replay", input, checkpointEveryMin, outputDir: dir, resume: true });
      const a = readStreams(ref);
      const b = readStreams(dir);
      expect(a.size).toBeGreaterThan(5);
      for (const [file, text] of a) expect(b.get(file), file).toBe(text);
    },
  );

  it("--resume after SIGKILL continues to totals equal to an uninterrupted run, across stream rotations", async () => {
    // Streams rotate every 50 KiB, so some rotate between the last checkpoint and the kill: resume must
    // undo those rotations too (joined parts are compared with an unrotated, uninterrupted run).
    const args = [
      "--duration",
      "600",
      "--seed",
      "11",
      "--checkpoint-every-min",
      "1",
      "--rotate-mb",
      "0.05",
      "--log-level",
      "warn",
    ];
    const ref = tempDir();
    await runInProcess({ durationSec: 600, seed: 11, checkpointEveryMin: 1, outputDir: ref });
    const dir = join(tempDir(), "out");
    const { child, done } = spawnCli([...args, "--speed", "30x", "--output-dir", dir]);
    const cp = join(dir, "checkpoint.json");
    const hasMidCheckpoint = (): boolean => {
      if (!existsSync(cp)) return false;
      try {
        return (JSON.parse(readFileSync(cp, "utf8")) as { events_consumed: number }).events_consumed > 0;
      } catch {
        return false;
      }
    };
    expect(await waitFor(hasMidCheckpoint, 60_000)).toBe(true);
    // Kill once a stream has rotated since the last checkpoint.
    const rotatedSinceCheckpoint = (): boolean => {
      try {
        const c = JSON.parse(readFileSync(cp, "utf8")) as { stream_parts: Record<string, number> };
        return predictionParts(dir) > c.stream_parts["predictions"]!;
      } catch {
        return false;
      }
    };
    expect(await waitFor(rotatedSinceCheckpoint, 60_000)).toBe(true);
    child.kill("SIGKILL");
    await done;
    const before = JSON.parse(readFileSync(cp, "utf8")) as {
      completed_reason: string | null;
      stream_parts: Record<string, number>;
    };
    expect(before.completed_reason).toBeNull();
    expect(predictionParts(dir)).toBeGreaterThan(before.stream_parts["predictions"]!);
    const resumed = await runInProcess({
      durationSec: 600,
      seed: 11,
      checkpointEveryMin: 1,
      rotateMb: 0.05,
      outputDir: dir,
      resume: true,
    });
    const a = readStreams(ref);
    const b = readJoinedStreams(dir);
    expect(a.size).toBeGreaterThan(5);
    for (const [file, text] of a) expect(b.get(file), file).toBe(text);
    expect(resumed.fills).toBeGreaterThan(0);
  }, 180_000);
});

/** `capture`'s events recorded as `--record` lays them out: a directory of gzip parts of `rotateBytes`. */
async function recordedParts(capture: string, rotateBytes: number): Promise<string> {
  const dir = join(tempDir(), "rec");
  const recorder = new Recorder({ dir, source: "binance:BTCUSDT", rotateBytes });
  // in receive order, as a live run's recorder writes them
  for (const e of openReplay(capture, { clock: "local" }).events()) await recorder.write(e);
  await recorder.close();
  expect(recorder.files().length).toBeGreaterThan(3);
  return dir;
}

function predictionParts(dir: string): number {
  return readdirSync(dir).filter((f) => /^predictions\.\d+\.jsonl$/.test(f)).length;
}
