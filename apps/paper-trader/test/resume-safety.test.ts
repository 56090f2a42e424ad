import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readlinkSync, truncateSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { createLogger } from "../src/logging.js";
import { LOCK_FILE } from "../src/output-lock.js";
import { runPaperTrader } from "../src/run.js";
import { resumedConfig, savedEffectiveConfig } from "../src/state.js";
import { HL_SAMPLE, readStreams, runAndPause, runInProcess, tempDir } from "./helpers.js";

const BASE = { durationSec: 900, seed: 5, checkpointEveryMin: 1 } as const;

function checkpointOf(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as Record<string, unknown>;
}

describe("resume keeps a run's files safe", () => {
  it("--resume of a finished run reprints its report (capital taken from the checkpoint)", async () => {
    const dir = tempDir();
    const done = await runInProcess({ ...BASE, outputDir: dir });
    const again = await runInProcess({ ...BASE, outputDir: dir, resume: true });
    expect(again.stopReason).toMatch(/^already complete \(duration reached/);
    expect(again.fills).toBe(done.fills);
  });

  it("run.json records the end before the final checkpoint does (a kill between them leaves a consistent pair)", async () => {
    // The final checkpoint cannot be written (its temp path is a directory): the run says so (the
    // CLI exits 1), and run.json already says it ended (else a finished run's run.json kept
    // ended_ts_ms null).
    const dir = tempDir();
    mkdirSync(join(dir, "checkpoint.json.tmp"));
    const r = await runInProcess({ durationSec: 120, outputDir: dir, checkpointEveryMin: 60 });
    expect(r.lostRecords).toMatch(
      /^the final checkpoint was not written \(cannot write checkpoint\.json \(EISDIR/,
    );
    const manifest = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as {
      ended_ts_ms: number | null;
    };
    expect(manifest.ended_ts_ms).not.toBeNull();
    expect(existsSync(join(dir, "checkpoint.json"))).toBe(false);
  });

  it("a stream edited by hand before the checkpoint's end is refused before any file changes", async () => {
    const dir = tempDir();
    await runAndPause({ ...BASE, durationSec: 86_400, outputDir: dir }, 1500); // stopped long before its end
    const path = join(dir, "fills.jsonl");
    const lines = readFileSync(path, "utf8").split("\n");
    expect(lines.length).toBeGreaterThan(3);
    lines[1] = `${lines[1]!.slice(0, -1)},"note":"checked by hand"}`; // edited in place: longer
    writeFileSync(path, lines.join("\n"));
    const before = readStreams(dir);
    await expect(
      runInProcess({ ...BASE, durationSec: 86_400, outputDir: dir, resume: true }),
    ).rejects.toThrow(
      /^cannot --resume: fills\.jsonl was changed before the checkpoint's end \(its byte \d+ is not the end of a line/,
    );
    expect(readStreams(dir)).toEqual(before);
  });

  it("a checkpoint whose order size is between lots (allowed by older versions) still resumes and reprints", async () => {
    const dir = tempDir();
    const done = await runInProcess({ ...BASE, outputDir: dir, orderSizeBase: 0.002 });
    const cp = checkpointOf(dir);
    const config = { ...(cp["config"] as Record<string, unknown>), orderSizeBase: 0.0015 };
    writeFileSync(join(dir, "checkpoint.json"), JSON.stringify({ ...cp, config, order_size_base: 0.0015 }));
    const again = await runInProcess({ ...BASE, outputDir: dir, resume: true });
    expect(again.stopReason).toMatch(/^already complete/);
    expect(again.fills).toBe(done.fills);
  });

  it("a damaged checkpoint or a changed strategy setting is refused before any file changes", async () => {
    const dir = tempDir();
    await runInProcess({ ...BASE, outputDir: dir });
    const before = readStreams(dir);
    const cp = checkpointOf(dir);
    const write = (c: Record<string, unknown>): void =>
      writeFileSync(join(dir, "checkpoint.json"), JSON.stringify(c));
    write({ ...cp, completed_reason: null, counters: { ...(cp["counters"] as object), fills: "x" } });
    await expect(runInProcess({ ...BASE, outputDir: dir, resume: true })).rejects.toThrow(
      /^cannot --resume: checkpoint.json in .* is damaged at counters\.fills/,
    );
    write({ ...cp, completed_reason: null, signals: {} });
    await expect(runInProcess({ ...BASE, outputDir: dir, resume: true })).rejects.toThrow(
      /^cannot --resume: checkpoint.json in .* does not restore \(signal stack/,
    );
    write({ ...cp, completed_reason: null });
    await expect(runInProcess({ ...BASE, outputDir: dir, resume: true, gamma: 100 })).rejects.toThrow(
      "cannot --resume: --gamma differs from the checkpoint (checkpoint 400, now 100)",
    );
    await expect(runInProcess({ ...BASE, outputDir: dir, resume: true, latencyMs: 500 })).rejects.toThrow(
      /--latency-ms differs/,
    );
    expect(readStreams(dir)).toEqual(before);
    // a mistyped --output-dir: says the directory does not exist, and creates nothing
    const missing = join(dir, "no-such-run");
    await expect(runInProcess({ ...BASE, outputDir: missing, resume: true })).rejects.toThrow(
      `cannot --resume: ${missing} does not exist (--output-dir must name the directory of the run to continue)`,
    );
    expect(existsSync(missing)).toBe(false);
  });

  it("a capture replay's checkpoint from before prints were merged per taker order is refused", async () => {
    const dir = tempDir();
    const replay = { source: "replay", input: HL_SAMPLE, checkpointEveryMin: 1 } as const;
    await runInProcess({ ...replay, outputDir: dir });
    const before = readStreams(dir);
    const cp = checkpointOf(dir);
    expect(cp["print_merge"]).toBe(1);
    // the older version's checkpoint: no print_merge, counted 3 more events (one sweep's prints)
    const { print_merge: _, ...older } = cp;
    writeFileSync(join(dir, "checkpoint.json"), JSON.stringify({ ...older, completed_reason: null }));
    await expect(runInProcess({ ...replay, outputDir: dir, resume: true })).rejects.toThrow(
      /^cannot --resume: checkpoint.json in .* was written by an mmkit version that replayed each print of a taker order as its own event/,
    );
    expect(readStreams(dir)).toEqual(before);
    // a finished run's checkpoint of that version only reprints its report: nothing is replayed
    writeFileSync(join(dir, "checkpoint.json"), JSON.stringify(older));
    const reprint = await runInProcess({ ...replay, outputDir: dir, resume: true });
    expect(reprint.stopReason).toMatch(/^already complete/);
    expect(readStreams(dir)).toEqual(before);
    // a synthetic run's checkpoint of that version still resumes (no prints to merge)
    const syn = tempDir();
    await runInProcess({ ...BASE, outputDir: syn });
    const { print_merge: __, ...olderSyn } = checkpointOf(syn);
    writeFileSync(join(syn, "checkpoint.json"), JSON.stringify({ ...olderSyn, completed_reason: null }));
    const resumed = await runInProcess({ ...BASE, outputDir: syn, resume: true });
    expect(resumed.stopReason).toMatch(/^duration reached/);
  });

  it("a paused run (SIGINT, abort) stays resumable and --resume finishes it", async () => {
    const dir = tempDir();
    const paused = await runAndPause({ ...BASE, durationSec: 7200, outputDir: dir }, 400);
    expect(paused.stopReason).toBe("aborted (--resume continues this run)");
    const cp = checkpointOf(dir);
    expect(cp["completed_reason"]).toBeNull();
    expect(cp["events_consumed"] as number).toBeGreaterThan(0);
    const resumed = await runInProcess({ ...BASE, durationSec: 7200, outputDir: dir, resume: true });
    expect(resumed.stopReason).toBe("duration reached (7200s of market time)");
    expect(resumed.fills).toBeGreaterThan(paused.fills);
  });

  it("a bare --resume writes the run's config as it was set (no engine defaults or chosen size added)", async () => {
    const dir = tempDir();
    await runAndPause({ ...BASE, durationSec: 7200, outputDir: dir }, 400);
    const before = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as {
      config: Record<string, unknown>;
    };
    expect(before.config["gamma"]).toBeUndefined();
    const r = await runPaperTrader(parseConfig({ outputDir: dir, resume: true, durationSec: 120 }), {
      logger: createLogger("silent", false),
      print: () => {},
      handleSignals: false,
      given: new Set(["outputDir", "resume"]),
    });
    const after = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as {
      config: Record<string, unknown>;
    };
    for (const f of ["gamma", "maxPositionLots", "orderSizeBase"]) expect(after.config[f], f).toBeUndefined();
    // what the run quoted with, defaults resolved, is its own block (written once the trader is built)
    const quoting = {
      gamma: 400,
      max_position_lots: 10,
      order_size_base: checkpointOf(dir)["order_size_base"],
    };
    expect((before as { quoting?: object }).quoting).toMatchObject(quoting);
    expect((after as { quoting?: object }).quoting).toMatchObject(quoting);
    expect(after.config["durationSec"]).toBe(7200);
    expect((checkpointOf(dir)["config"] as Record<string, unknown>)["gamma"]).toBeUndefined();
    // the report's counts are the whole run's, its wall time this session's: it says so
    expect(r.report.find((l) => l.startsWith("Run:"))).toMatch(/ wall=[0-9.]+s \(this session\) events=/);
  });

  it("run.json's quoting γ is the one quoting uses: a --gamma above the engine's clamp (1e6) states 1e6", async () => {
    const dir = tempDir();
    await runInProcess({ durationSec: 30, gamma: 5e6, outputDir: dir });
    const m = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as {
      config: Record<string, unknown>;
      quoting: { gamma: number; capital_quote: number };
    };
    expect(m.config["gamma"]).toBe(5e6); // as set
    expect(m.quoting.gamma).toBe(1e6); // as used, like the [CONFIG] line
    // 10 lots × 0.001 BTC × the synthetic market's first mid 100,000.05 (100,000 and 100,000.1
    // quoted), without float noise (the product in doubles is 1000.0005000000001)
    expect(m.quoting.capital_quote).toBe(1000.0005);
  });

  it("a stream cut below its checkpointed size (lost on disk) is trimmed to whole lines before appending", async () => {
    const dir = tempDir();
    await runAndPause({ ...BASE, durationSec: 7200, outputDir: dir }, 400);
    truncateSync(join(dir, "fills.jsonl"), 1000); // mid-line
    await runInProcess({ ...BASE, durationSec: 7200, outputDir: dir, resume: true });
    const lines = readStreams(dir).get("fills.jsonl")!.split("\n").filter(Boolean);
    for (const l of lines) expect(() => JSON.parse(l), l.slice(0, 80)).not.toThrow();
  });

  it("one run per output directory: a live holder's lock is refused, a dead one's taken over", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n`);
    await expect(runInProcess({ ...BASE, outputDir: dir })).rejects.toThrow(
      /is in use by another paper-trader \(pid \d+, this process\)/,
    );
    const exited = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    writeFileSync(join(dir, LOCK_FILE), `${exited}\n`);
    const r = await runInProcess({ ...BASE, durationSec: 120, outputDir: dir });
    expect(r.fills).toBeGreaterThan(0);
    expect(readStreams(dir).size).toBeGreaterThan(5);
  });

  it("--resume of a directory a running paper-trader holds before its first checkpoint says it is in use", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n`); // this process: running, no checkpoint yet
    await expect(runInProcess({ ...BASE, outputDir: dir, resume: true })).rejects.toThrow(
      /^cannot --resume: .* is in use by another paper-trader \(pid \d+, this process\), and it has not written its first checkpoint yet$/,
    );
  });

  it.runIf(existsSync("/proc/self/ns/pid"))(
    "a lock records where its holder runs: a reused pid is taken over, another container's lock is not",
    async () => {
      const dir = tempDir();
      const lock = join(dir, LOCK_FILE);
      // Take the lock once to learn this machine's identity lines (host, boot, pid namespace, start).
      await runInProcess({ ...BASE, durationSec: 1, outputDir: dir });
      writeFileSync(lock, `${process.pid}\n`);
      await expect(runInProcess({ ...BASE, durationSec: 1, outputDir: dir })).rejects.toThrow(/this process/);
      const ours = readFileSync("/proc/self/stat", "utf8");
      const start = Number(ours.slice(ours.lastIndexOf(")") + 2).split(" ")[19]);
      const identity = (host: string, pidns: string, startTicks: number) =>
        [
          `host=${host}`,
          `boot=${readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim()}`,
          `pidns=${pidns}`,
          `start=${startTicks}`,
        ].join("\n");
      const here = readlinkSync("/proc/self/ns/pid");
      // this process, as recorded: running, refused
      writeFileSync(lock, `${process.pid}\n${identity(hostname(), here, start)}\n`);
      await expect(runInProcess({ ...BASE, durationSec: 1, outputDir: dir })).rejects.toThrow(/this process/);
      // pid 1 is running but did not start when the lock says (a restart or reboot reused the pid): taken over
      writeFileSync(lock, `1\n${identity(hostname(), here, 12345)}\n`);
      await runInProcess({ ...BASE, durationSec: 1, outputDir: dir });
      expect(existsSync(lock)).toBe(false);
      // another container on a shared volume (its own pid namespace and host name): cannot be checked, refused
      // even though no pid 999999 runs here
      writeFileSync(lock, `999999\n${identity("other-box", "pid:[4026530000]", 77)}\n`);
      await expect(runInProcess({ ...BASE, durationSec: 1, outputDir: dir })).rejects.toThrow(
        /in use by a paper-trader on other-box \(pid 999999 in another container or host, which cannot be checked from here; if none runs there, delete /,
      );
    },
  );
});

describe("--resume with settings given explicitly", () => {
  it("the values the run used where its config left them unset (engine defaults, the chosen size) are no change", () => {
    const saved = savedEffectiveConfig({ config: parseConfig({}), order_size_base: 0.002 });
    const given = new Set(["resume", "gamma", "maxPositionLots", "orderSizeBase"]);
    const same = parseConfig({ resume: true, gamma: 400, maxPositionLots: 10, orderSizeBase: 0.002 });
    expect(resumedConfig(saved, same, "/tmp/x", given).gamma).toBe(400);
    for (const [field, value] of [
      ["gamma", 300],
      ["maxPositionLots", 9],
      ["orderSizeBase", 0.001],
    ] as const) {
      const other = parseConfig({ ...same, [field]: value });
      expect(() => resumedConfig(saved, other, "/tmp/x", given)).toThrow(/differs from the checkpoint/);
    }
  });
});

describe("--resume and --record", () => {
  it("a resume keeps recording where the run did unless --record or its rotation is given again", () => {
    const saved = parseConfig({ source: "hyperliquid", record: "/data/hl", recordRotateMin: 30 });
    const bare = resumedConfig(saved, parseConfig({ resume: true }), "/tmp/x", new Set(["resume"]));
    expect(bare.record).toBe("/data/hl");
    expect(bare.recordRotateMin).toBe(30);
    const moved = resumedConfig(
      saved,
      parseConfig({ resume: true, source: "hyperliquid", record: "/disk2/hl" }),
      "/tmp/x",
      new Set(["resume", "record"]),
    );
    expect(moved.record).toBe("/disk2/hl");
    expect(moved.recordRotateMin).toBe(30);
    // a relative --record is kept absolute: a resume from another directory records into the same one
    expect(parseConfig({ source: "hyperliquid", record: "rel/hl" }).record).toBe(resolve("rel/hl"));
  });
});

describe("--resume and the settings of a 24/7 run", () => {
  it("a bare resume keeps the metrics port and checkpoint interval; given ones win", () => {
    const saved = parseConfig({ source: "hyperliquid", metricsPort: 9464, checkpointEveryMin: 15 });
    const bare = resumedConfig(saved, parseConfig({ resume: true }), "/tmp/x", new Set(["resume"]));
    expect(bare.metricsPort).toBe(9464);
    expect(bare.checkpointEveryMin).toBe(15);
    const changed = resumedConfig(
      saved,
      parseConfig({ resume: true, metricsPort: 9500, checkpointEveryMin: 1 }),
      "/tmp/x",
      new Set(["resume", "metricsPort", "checkpointEveryMin"]),
    );
    expect(changed.metricsPort).toBe(9500);
    expect(changed.checkpointEveryMin).toBe(1);
    // a run started without a metrics port resumes without one
    const none = resumedConfig(
      parseConfig({ source: "hyperliquid" }),
      parseConfig({ resume: true }),
      "/tmp/x",
      new Set(["resume"]),
    );
    expect(none.metricsPort).toBeUndefined();
    expect(none.checkpointEveryMin).toBe(5);
  });
});
