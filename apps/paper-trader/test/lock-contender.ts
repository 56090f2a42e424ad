/**
 * A contender for an output directory's lock, driven by output-lock.test.ts over stdin/stdout:
 * prints READY once loaded; on a `GO` line tries the lock and prints TOOK or REFUSED <message>;
 * on a `RELEASE` line (or stdin's end) releases what it took and exits.
 * Usage: lock-contender.ts DIR
 */
import { createInterface } from "node:readline";
import { lockOutputDir } from "../src/output-lock.js";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: lock-contender.ts DIR");
let release: (() => void) | null = null;
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line === "GO")
    lockOutputDir(dir).then(
      (r) => {
        release = r;
        process.stdout.write("TOOK\n");
      },
      (err: Error) => process.stdout.write(`REFUSED ${err.message}\n`),
    );
  if (line === "RELEASE") lines.close();
});
lines.on("close", () => {
  release?.();
  process.exit(0);
});
process.stdout.write("READY\n");
