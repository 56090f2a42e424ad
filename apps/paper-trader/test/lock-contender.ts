/**
 * A contender for an output directory's lock (spawned by output-lock.test.ts): waits until the
 * given wall-clock time so all contenders try at once, then prints TOOK or REFUSED <message> and
 * holds a lock it took for the given ms. Usage: lock-contender.ts DIR AT_EPOCH_MS HOLD_MS
 */
import { lockOutputDir } from "../src/output-lock.js";

const [dir, atMs, holdMs] = process.argv.slice(2);
if (dir === undefined || atMs === undefined || holdMs === undefined)
  throw new Error("usage: lock-contender.ts DIR AT_EPOCH_MS HOLD_MS");
while (Date.now() < Number(atMs)) {
  // spin: a timer would wake each contender up to a few ms apart
}
try {
  const release = lockOutputDir(dir);
  process.stdout.write("TOOK\n");
  setTimeout(release, Number(holdMs));
} catch (err) {
  process.stdout.write(`REFUSED ${(err as Error).message}\n`);
}
