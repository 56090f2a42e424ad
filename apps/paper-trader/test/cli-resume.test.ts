import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BINANCE_SAMPLE,
  expectSameStreams,
  HL_SAMPLE,
  killAtMidCheckpoint,
  readStreams,
  runInProcess,
  spawnCli,
  tempDir,
} from "./helpers.js";

/** Every file of a directory (not recursive) with its bytes: what "nothing changed" compares. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    const path = join(dir, f);
    if (statSync(path).isFile()) out.set(f, readFileSync(path, "utf8"));
  }
  return out;
}

describe("CLI --resume takes what was not given from the checkpoint", () => {
  it("a bare --resume continues a non-default run; a setting given and changed (flag or --config key) is refused in one line", async () => {
    const tmp = tempDir();
    const dir = join(tmp, "out");
    const run = ["--duration", "120", "--seed", "4", "--ladder-levels", "2", "--log-level", "warn"];
    const first = await spawnCli([...run, "--output-dir", dir]).done;
    expect(first.code, first.stderr).toBe(0);
    const before = snapshot(dir);

    // Nothing given but the directory: every run-defining setting comes from the checkpoint.
    const bare = await spawnCli(["--resume", "--output-dir", dir, "--log-level", "warn"]).done;
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toContain("already complete (duration reached (120s of market time))");
    // The same settings given again are fine too.
    const same = await spawnCli(["--resume", ...run, "--output-dir", dir]).done;
    expect(same.code, same.stderr).toBe(0);

    const cfg = join(tmp, "cfg.json");
    writeFileSync(cfg, JSON.stringify({ ladderLevels: 3 }));
    for (const [args, message] of [
      [
        ["--gamma", "300"],
        "paper-trader: cannot --resume: --gamma differs from the checkpoint (checkpoint 400, now 300); a resumed run keeps its settings — start a new run in another --output-dir to change it",
      ],
      [
        ["--config", cfg],
        "paper-trader: cannot --resume: --ladder-levels differs from the checkpoint (checkpoint 2, now 3); a resumed run keeps its settings — start a new run in another --output-dir to change it",
      ],
    ] as const) {
      const r = await spawnCli(["--resume", ...args, "--output-dir", dir]).done;
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toBe(`${message}\n`);
      expect(r.stdout).toBe("");
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it("a replay SIGKILLed mid-run and resumed with a bare --resume is byte-identical to an uninterrupted run", async () => {
    const settings = [
      "--source",
      "replay",
      "--input",
      BINANCE_SAMPLE,
      "--fill-model",
      "touch",
      "--seed",
      "8",
    ];
    const ref = tempDir();
    await runInProcess({
      source: "replay",
      input: BINANCE_SAMPLE,
      fillModel: "touch",
      seed: 8,
      outputDir: ref,
    });
    const dir = join(tempDir(), "out");
    const run = spawnCli([
      ...settings,
      "--checkpoint-every-min",
      "1",
      "--speed",
      "10x",
      "--log-level",
      "warn",
      "--output-dir",
      dir,
    ]);
    expect(await killAtMidCheckpoint(run, dir)).toBe(true);
    const cp = join(dir, "checkpoint.json");
    expect(
      (JSON.parse(readFileSync(cp, "utf8")) as { completed_reason: unknown }).completed_reason,
    ).toBeNull();
    const resumed = await spawnCli(["--resume", "--output-dir", dir, "--log-level", "warn"]).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expectSameStreams(readStreams(ref), readStreams(dir));
    // Giving the input again (without --source, which the checkpoint supplies) is accepted.
    const again = await spawnCli(["--resume", "--input", BINANCE_SAMPLE, "--output-dir", dir]).done;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("already complete (end of data)");
    expect(existsSync(join(dir, "archive"))).toBe(false);
  }, 120_000);

  it("a replay started with a relative --input resumes on the same file from any directory (its path is kept absolute)", async () => {
    const tmp = tempDir();
    const a = join(tmp, "A");
    const b = join(tmp, "B");
    mkdirSync(a);
    mkdirSync(b);
    copyFileSync(BINANCE_SAMPLE, join(a, "data.gz"));
    copyFileSync(HL_SAMPLE, join(b, "data.gz")); // another recording under the same name
    const ref = tempDir();
    await runInProcess({
      source: "replay",
      input: join(a, "data.gz"),
      checkpointEveryMin: 1,
      outputDir: ref,
    });
    const dir = join(tmp, "out");
    const run = spawnCli(
      [
        ...["--source", "replay", "--input", "data.gz", "--checkpoint-every-min", "1", "--speed", "10x"],
        ...["--log-level", "warn", "--output-dir", dir],
      ],
      { cwd: a },
    );
    expect(await killAtMidCheckpoint(run, dir)).toBe(true);
    const cp = join(dir, "checkpoint.json");
    const saved = JSON.parse(readFileSync(cp, "utf8")) as { config: { input: string } };
    expect(saved.config.input).toBe(join(a, "data.gz"));
    const resumed = await spawnCli(["--resume", "--output-dir", dir, "--log-level", "warn"], { cwd: b }).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`replay:${join(a, "data.gz")}`);
    const want = readStreams(ref);
    const got = readStreams(dir);
    expect(want.size).toBeGreaterThan(5);
    for (const [file, text] of want) expect(got.get(file), file).toBe(text);
  }, 120_000);

  it("a checkpoint of an older version holding a relative --input: a bare --resume is refused in one line", async () => {
    const dir = join(tempDir(), "out");
    const run = spawnCli([
      ...["--source", "replay", "--input", BINANCE_SAMPLE, "--checkpoint-every-min", "1", "--speed", "10x"],
      ...["--log-level", "warn", "--output-dir", dir],
    ]);
    expect(await killAtMidCheckpoint(run, dir)).toBe(true);
    const cp = join(dir, "checkpoint.json");
    const saved = JSON.parse(readFileSync(cp, "utf8")) as { config: { input: string } };
    saved.config.input = "data.gz"; // as an older version wrote it
    writeFileSync(cp, JSON.stringify(saved));
    const before = snapshot(dir);
    const r = await spawnCli(["--resume", "--output-dir", dir]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "paper-trader: cannot --resume: the checkpoint's --input is the relative path \"data.gz\" (an older version kept paths as typed), which depends on the directory the run started in; give --input again with the file's path\n",
    );
    expect(snapshot(dir)).toEqual(before);
  }, 120_000);
});
