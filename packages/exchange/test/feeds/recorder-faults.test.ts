/**
 * Recorder faults with real files and real processes: a SIGKILLed recorder, a full disk
 * (`/dev/full`), a recording path that cannot be opened.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { Recorder } from "../../src/feeds/recorder.js";
import { openReplay } from "../../src/feeds/replay.js";

const CHILD = fileURLToPath(new URL("./recorder-child.ts", import.meta.url));
const TSCONFIG = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));
const HL = fileURLToPath(new URL("../../../../data/samples/hyperliquid-btc-20250126.gz", import.meta.url));
const HAS_DEV_FULL = existsSync("/dev/full");
const T0 = Date.UTC(2025, 0, 1);
const tmp = (): string => mkdtempSync(join(tmpdir(), "mmkit-recfault-"));

function startChild(args: string[]): {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString("utf8");
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      if (code !== 0 && code !== null) lines.push(`stderr: ${stderr}`);
      resolve(code);
    }),
  );
  return { child, lines, exited };
}

/** Poll `cond` until true (a generous deadline for a loaded CI machine, never a fixed sleep). */
async function waitFor(cond: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function replayedCount(path: string): number {
  try {
    return [...openReplay(path, { clock: "local", reorderWindowMs: 0 }).events()].length;
  } catch {
    return -1;
  }
}

interface FaultSummary {
  resolved: number;
  writeErrors: number;
  firstWriteError: string | null;
  closeError: string | null;
}

async function runFault(dir: string, gzip: boolean, mode: "await" | "burst"): Promise<FaultSummary> {
  const { lines, exited } = startChild(["fault", dir, gzip ? "gzip" : "plain", mode]);
  const code = await exited;
  expect(code, lines.join("\n")).toBe(0); // no uncaught 'error' event
  return JSON.parse(lines.at(-1)!) as FaultSummary;
}

describe("Recorder killed with SIGKILL", () => {
  it("events acknowledged about a second before the kill are on disk and replay (timer flush of the gzip)", async () => {
    const dir = tmp();
    const n = 50; // ≈16 s of the Hyperliquid sample: zlib alone would hold all of it in memory
    const { child, lines, exited } = startChild(["ack", dir, String(n)]);
    let file: string;
    try {
      await waitFor(() => lines.length > 0, "the child's acknowledgement");
      const ack = JSON.parse(lines[0]!) as { acknowledged: number; files: string[] };
      expect(ack.acknowledged).toBe(n);
      file = ack.files[0]!;
      // The recorder flushes every second (default): wait for it, then kill.
      await waitFor(() => replayedCount(file) === n, `${n} events replayable from ${file}`);
    } finally {
      child.kill("SIGKILL"); // also when the test fails: the child idles forever otherwise
    }
    expect(await exited).toBe(null);
    const replayed = [...openReplay(file, { clock: "local", reorderWindowMs: 0 }).events()];
    const expected = [...openReplay(HL).events()].slice(0, n);
    expect(replayed).toEqual(expected);
  });
});

describe("Recorder write errors never crash the process", () => {
  it.skipIf(!HAS_DEV_FULL).each([
    [false, "await"],
    [true, "await"],
    [true, "burst"],
    [false, "burst"],
  ] as const)(
    "disk full (a symlink to /dev/full), gzip=%s, %s writes: write()/close() reject naming the file",
    async (gzip, mode) => {
      const dir = tmp();
      const name = `hl-20250101T000000Z-0000.${gzip ? "jsonl.gz" : "jsonl"}`;
      symlinkSync("/dev/full", join(dir, name));
      const s = await runFault(dir, gzip, mode);
      const want = new RegExp(`^Recorder: ${join(dir, name).replace(/[.]/g, "\\.")}: ENOSPC`);
      expect(s.closeError).toMatch(want);
      if (mode === "await") {
        expect(s.writeErrors).toBeGreaterThan(0); // the child writes until one rejects
        expect(s.firstWriteError).toMatch(want);
      }
    },
  );

  it("a directory at the recording's file name (EISDIR): the next write() and close() reject naming the file", async () => {
    const dir = tmp();
    const path = join(dir, "hl-20250101T000000Z-0000.jsonl.gz");
    mkdirSync(path);
    const s = await runFault(dir, true, "await");
    expect(s.firstWriteError).toMatch(new RegExp(`^Recorder: ${path.replace(/[.]/g, "\\.")}: EISDIR`));
    expect(s.closeError).toBe(s.firstWriteError);
  });

  it.skipIf(!HAS_DEV_FULL)(
    "a rotated-in file that fails leaves the files written before it complete and replayable",
    async () => {
      const dir = tmp();
      symlinkSync("/dev/full", join(dir, "hl-20250101T000000Z-0001.jsonl.gz"));
      const rec = new Recorder({ dir, source: "hl", rotateBytes: 5_000, nowMs: () => T0 });
      const events = [...openReplay(HL, { clock: "local", reorderWindowMs: 0 }).events()];
      let failed: unknown = null;
      const until = Date.now() + 30_000;
      for (let i = 0; failed === null && Date.now() < until; i++) {
        try {
          await rec.write(events[i % events.length]!);
        } catch (e) {
          failed = e;
        }
        await new Promise((r) => setImmediate(r));
      }
      expect(String(failed)).toMatch(/Recorder: .*-0001\.jsonl\.gz: ENOSPC/);
      await expect(rec.close()).rejects.toThrow(/-0001\.jsonl\.gz: ENOSPC/);
      const first = openReplay(rec.files()[0]!, { clock: "local", reorderWindowMs: 0 });
      const replayed: MarketEvent[] = [...first.events()];
      expect(replayed.length).toBeGreaterThan(0);
      expect(replayed).toEqual(events.slice(0, replayed.length));
      expect(first.stats().invalidMessages).toBe(0);
    },
  );
});
