/** A replay input must be a regular file: a FIFO, socket or device is refused by name before it is opened. */
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { openReplay } from "./replay.js";

const HL = fileURLToPath(new URL("../../../../data/samples/hyperliquid-btc-20250126.gz", import.meta.url));
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "mmkit-kind-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const NOT_REGULAR = /a replay needs a regular file .*write the data to a file first/;

describe("replay input that is not a regular file", () => {
  it("a FIFO with no writer is refused at once, naming the path (it used to block in openSync for good)", () => {
    const fifo = join(tmp(), "capture.fifo");
    execFileSync("mkfifo", [fifo]);
    // Guard: should the FIFO be opened again (a regression), a writer opens it after 3 s so the test
    // fails on the wrong outcome instead of blocking this worker forever.
    const guard = spawn("sh", ["-c", `sleep 3; : > '${fifo}'`], { stdio: "ignore" });
    const t0 = Date.now();
    try {
      expect(() => openReplay(fifo)).toThrow(`openReplay: ${fifo} is a FIFO (named pipe)`);
      expect(() => openReplay(fifo)).toThrow(NOT_REGULAR);
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      guard.kill("SIGKILL");
    }
  });

  it("a character device and a socket are refused the same way", async () => {
    expect(() => openReplay("/dev/null")).toThrow("openReplay: /dev/null is a character device");
    const sock = join(tmp(), "s.sock");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      expect(() => openReplay(sock)).toThrow(`openReplay: ${sock} is a socket`);
    } finally {
      server.close();
    }
  });

  it("a directory holding a FIFO names the FIFO; subdirectories are still passed over", () => {
    const dir = tmp();
    copyFileSync(HL, join(dir, "a-part.gz"));
    mkdirSync(join(dir, "lead"));
    expect(openReplay(dir).files).toEqual([join(dir, "a-part.gz")]);
    execFileSync("mkfifo", [join(dir, "b-part.gz")]);
    expect(() => openReplay(dir)).toThrow(`openReplay: ${join(dir, "b-part.gz")} is a FIFO (named pipe)`);
  });
});
