import { existsSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requireNotPseudoFs } from "../src/pseudo-fs.js";
import { tempDir } from "./helpers.js";

describe("output and record directories are never in /proc or /sys (Node's recursive mkdir spins there)", () => {
  it.runIf(existsSync("/proc/self"))("refused directly and through a symlink; ordinary paths pass", () => {
    expect(() => requireNotPseudoFs("/proc/qa/x", "--output-dir")).toThrow(
      "invalid --output-dir: /proc/qa/x is inside a kernel pseudo-filesystem (/proc/qa/x)",
    );
    expect(() => requireNotPseudoFs("/sys", "--record")).toThrow(/^invalid --record: \/sys is inside/);
    const link = join(tempDir(), "pl");
    symlinkSync("/proc", link);
    expect(() => requireNotPseudoFs(join(link, "qa", "x"), "--output-dir")).toThrow(/\(\/proc\/qa\/x\)$/);
    expect(() => requireNotPseudoFs(join(tempDir(), "not", "yet", "there"), "--output-dir")).not.toThrow();
    expect(() => requireNotPseudoFs("/processes/x", "--output-dir")).not.toThrow();
  });
});
