import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logging.js";
import { clearTransientLine, formatDuration, ProgressBar } from "../src/progress.js";
import { cliCommand, REPO_ROOT, tempDir } from "./helpers.js";

/** A stream that records what is written to it. */
function sink(): { writes: string[]; write: (s: string) => boolean } {
  const writes: string[] = [];
  return { writes, write: (s: string) => writes.push(s) > 0 };
}

describe("progress bar", () => {
  it("draws market time covered, events/s and ETA, at most every 200 ms", () => {
    let now = 10_000;
    const out = sink();
    const bar = new ProgressBar(3_600_000, out, true, () => now);
    now += 1000;
    bar.update(1_800_000, 1000); // half the market hour in 1 s of wall time
    expect(out.writes).toHaveLength(1);
    const line = out.writes[0]!;
    expect(line.startsWith("\r")).toBe(true);
    expect(line.endsWith("\x1b[K")).toBe(true);
    expect(line).toContain(`${"█".repeat(15)}${"░".repeat(15)} 50.0%`);
    expect(line).toContain("market 0:30:00/1:00:00");
    expect(line).toContain("1,000 ev/s");
    expect(line).toContain("ETA 0:00:01");
    now += 100;
    bar.update(1_900_000, 1100);
    expect(out.writes).toHaveLength(1); // within 200 ms: not redrawn
    bar.done();
    expect(out.writes.at(-1)).toBe("\r\x1b[K");
  });

  it("is erased before a log line and redrawn at once after it", () => {
    let now = 0;
    const out = sink();
    const bar = new ProgressBar(60_000, out, true, () => now);
    now = 500;
    bar.update(30_000, 10);
    clearTransientLine();
    expect(out.writes).toEqual([expect.stringContaining("50.0%"), "\r\x1b[K"]);
    clearTransientLine(); // nothing drawn: nothing to erase
    expect(out.writes).toHaveLength(2);
    now = 510; // < 200 ms after the last draw, but the bar is not on screen
    bar.update(31_000, 11);
    expect(out.writes).toHaveLength(3);
    bar.done();
    clearTransientLine();
    expect(out.writes).toHaveLength(4);
  });

  it("the run logger erases the bar before every line", () => {
    const out = sink();
    const bar = new ProgressBar(60_000, out, true, () => 1000);
    bar.update(1000, 1);
    createLogger("silent", false).info("not printed: silent"); // a disabled level prints nothing
    expect(out.writes).toHaveLength(1);
    const logger = createLogger("info", false);
    // the JSON logger writes to fd 1; a child logger (the feeds use them) goes through the same hook
    logger.child({ component: "test" }).info("progress.test: the bar must be erased before this line");
    expect(out.writes).toEqual([expect.stringContaining("ev/s"), "\r\x1b[K"]);
    bar.done();
  });

  it("is silent when the stream is not a TTY", () => {
    const out = sink();
    const bar = new ProgressBar(60_000, out, false);
    bar.update(1000, 1);
    bar.done();
    expect(out.writes).toEqual([]);
  });

  it("formats durations as h:mm:ss", () => {
    expect(formatDuration(0)).toBe("0:00:00");
    expect(formatDuration(3_725.9)).toBe("1:02:05");
    expect(formatDuration(Number.NaN)).toBe("?");
    expect(formatDuration(-1)).toBe("?");
  });

  it("on a real terminal (pty) the bar shows and no log line starts where it ends", () => {
    const { argv, env } = cliCommand([
      "--duration",
      "3600",
      "--log-level",
      "info",
      "--output-dir",
      join(tempDir(), "o"),
    ]);
    const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    // util-linux `script` runs the CLI on a pseudo-terminal (stdout and stderr are TTYs)
    const r = spawnSync("script", ["-qec", quoted, "/dev/null"], {
      cwd: REPO_ROOT,
      env: { ...env, NO_COLOR: "1" },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    const raw = r.stdout;
    // a bar draw is "\r<bar …ev/s  ETA h:mm:ss>" + erase-to-end-of-line; what follows must be "\r"
    const parts = raw.split("\x1b[K");
    let draws = 0;
    for (let i = 0; i + 1 < parts.length; i++) {
      const tail = parts[i]!.slice(parts[i]!.lastIndexOf("\r"));
      if (!tail.includes("ev/s  ETA ")) continue;
      draws += 1;
      const next = parts[i + 1]!;
      expect(
        next === "" || next.startsWith("\r"),
        `after a bar draw: ${JSON.stringify(next.slice(0, 40))}`,
      ).toBe(true);
    }
    expect(draws).toBeGreaterThan(1);
    expect(raw).toContain("[WARMUP]");
    expect(raw).toContain("INFO: [FILL PNL]"); // NO_COLOR is honoured: no colour codes in the lines
    expect(raw).toContain("=== EDGE VALIDATION REPORT ===");
  });
});
