// A disk that fills up mid-run: writes to the chosen stream's file fail with ENOSPC while `full.on`
// (node:fs wrapped for this file only: the logger's own descriptors get the error a full disk gives).
import * as realFs from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { BINANCE_SAMPLE, capturingLogger, readStreams, runInProcess, tempDir, waitFor } from "./helpers.js";

const full = vi.hoisted(() => ({ on: false, file: "equity.jsonl", fds: new Set<number>() }));

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof realFs>();
  const openSync = ((path: realFs.PathLike, ...rest: unknown[]) => {
    const fd = (fs.openSync as (...a: unknown[]) => number)(path, ...rest);
    if (String(path).endsWith(`/${full.file}`)) full.fds.add(fd);
    return fd;
  }) as typeof fs.openSync;
  const closeSync = ((fd: number) => {
    full.fds.delete(fd);
    fs.closeSync(fd);
  }) as typeof fs.closeSync;
  const writeSync = ((fd: number, ...rest: unknown[]) => {
    if (full.on && full.fds.has(fd))
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    return (fs.writeSync as (...a: unknown[]) => number)(fd, ...rest);
  }) as typeof fs.writeSync;
  const wrapped = { ...fs, openSync, closeSync, writeSync };
  return { ...wrapped, default: wrapped };
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Binance sample replayed at 20x (logging into `lines`), once its first checkpoint is written. */
async function pacedReplayCheckpointed() {
  const dir = tempDir();
  const lines: { level: number; msg: string }[] = [];
  const run = runInProcess(
    { source: "replay", input: BINANCE_SAMPLE, outputDir: dir, speed: "20x" },
    capturingLogger(lines),
  );
  expect(await waitFor(() => realFs.existsSync(join(dir, "checkpoint.json")), 10_000)).toBe(true);
  return { dir, lines, run };
}

describe("a disk that fills up", () => {
  it("for a few seconds loses nothing: records are held and written once there is room, and it is logged", async () => {
    const ref = tempDir();
    await runInProcess({ source: "replay", input: BINANCE_SAMPLE, outputDir: ref });
    const { dir, lines, run } = await pacedReplayCheckpointed();
    full.on = true;
    await sleep(2500);
    full.on = false;
    const r = await run;
    expect(r.lostRecords).toBeUndefined();
    const msgs = lines.map((l) => l.msg);
    expect(msgs).toContainEqual(
      expect.stringMatching(/^\[OUTPUT\] cannot write equity\.jsonl \(write equity\.jsonl: ENOSPC/),
    );
    expect(msgs).toContainEqual(
      expect.stringMatching(/^\[OUTPUT\] equity\.jsonl is writable again: \d+ held record\(s\) written/),
    );
    expect(readStreams(dir).get("equity.jsonl")).toBe(readStreams(ref).get("equity.jsonl"));
  });

  it("until the end: the run says what it lost (report, lostRecords → exit 1) and keeps the last checkpoint", async () => {
    const { dir, lines, run } = await pacedReplayCheckpointed();
    const firstCheckpoint = realFs.readFileSync(join(dir, "checkpoint.json"), "utf8");
    full.on = true;
    try {
      const r = await run;
      expect(r.lostRecords).toMatch(
        /^\d+ record\(s\) could not be written \(write equity\.jsonl: ENOSPC.*; the final checkpoint was not written \(\d+ record\(s\) not on disk yet\)/,
      );
      expect(r.report.join("\n")).toContain(`ERROR: ${r.lostRecords}`);
    } finally {
      full.on = false;
    }
    expect(lines.map((l) => l.msg)).toContainEqual(
      expect.stringMatching(/^\[CHECKPOINT\] not written: \d+ record\(s\) not on disk yet/),
    );
    // the checkpoint a resume starts from is one whose records are all on disk
    expect(realFs.readFileSync(join(dir, "checkpoint.json"), "utf8")).toBe(firstCheckpoint);
  });
});
