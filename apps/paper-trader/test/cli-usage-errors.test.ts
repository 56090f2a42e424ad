import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnCli, tempDir } from "./helpers.js";

describe("paper-trader CLI", () => {
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
    [
      ["--analytics-every-sec", "1e-9"],
      /invalid --analytics-every-sec: Too small: expected number to be >=1/,
    ],
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

  it("--input or --lead-input naming a FIFO (no writer): exit 2 naming it, not a hang", async () => {
    const tmp = tempDir();
    const fifo = join(tmp, "capture.fifo");
    execFileSync("mkfifo", [fifo]);
    for (const args of [
      ["--input", fifo],
      ["--input", "data/samples/hyperliquid-btc-20250126.gz", "--lead-input", fifo],
    ]) {
      const dir = join(tmp, "out");
      const { child, done } = spawnCli(["--source", "replay", ...args, "--output-dir", dir]);
      // It used to block in openSync for good, deaf to SIGINT/SIGTERM: a regression fails here.
      const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const r = await done;
      clearTimeout(kill);
      const flag = args.includes("--lead-input") ? "--lead-input" : "--input";
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim()).toBe(
        `paper-trader: invalid ${flag}: openReplay: ${fifo} is a FIFO (named pipe): a replay needs a regular file (it reads the start of its input twice, so a pipe or \`<(zcat …)\` cannot work: write the data to a file first; gzip files are read as they are)`,
      );
      expect(existsSync(dir)).toBe(false);
    }
  }, 60_000);

  it("a replay whose every frame is invalid: the report says why, stderr names the input, exit 1", async () => {
    const dir = tempDir();
    const input = join(dir, "numbers-as-booleans.txt");
    const line =
      '{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":1,"s":"BTCUSDT","b":true,"B":"1","a":"2","A":"1","T":1,"E":1}}';
    writeFileSync(input, `1723161240000000000 ${line}\n1723161240100000000 ${line}\n`);
    const r = await spawnCli(["--source", "replay", "--input", input, "--output-dir", join(dir, "out")]).done;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("no two-sided order book arrived, so nothing was quoted (end of data)");
    expect(r.stderr).toMatch(
      /^paper-trader: no usable market data in .*numbers-as-booleans\.txt: .*invalid messages: 2,/m,
    );
  });
});
