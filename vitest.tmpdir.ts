/**
 * Vitest global setup: every temporary directory a test run makes (and those of the CLIs it spawns,
 * which inherit TMPDIR) goes under one directory that is removed when the run ends, so repeated
 * runs do not fill /tmp (one full run used to leave ~170 directories, ~500 MB).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "mmkit-test-"));
  const previous = process.env["TMPDIR"];
  process.env["TMPDIR"] = dir;
  return () => {
    if (previous === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
