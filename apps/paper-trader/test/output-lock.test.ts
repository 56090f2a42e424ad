import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LOCK_FILE, lockOutputDir, publishLockFile } from "../src/output-lock.js";
import { cliCommand, tempDir } from "./helpers.js";

const CONTENDER = fileURLToPath(new URL("./lock-contender.ts", import.meta.url));

/** Start `n` processes that all try to lock `dir` at the same instant; their outputs. */
async function contend(dir: string, n: number): Promise<string[]> {
  // time for every contender to start (tsx compiles on start-up) before the common instant
  const atMs = Date.now() + 4000;
  const { argv, env } = cliCommand([]);
  const loader = argv.slice(1, 3); // --import <tsx>
  const runs = Array.from({ length: n }, () => {
    const child = spawn(argv[0]!, [...loader, CONTENDER, dir, String(atMs), "1500"], { env });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    return new Promise<string>((resolve) => child.on("close", () => resolve(out.trim())));
  });
  return Promise.all(runs);
}

/** A pid that ran and exited (its lock is stale). */
function exitedPid(): number {
  return spawnSync(process.execPath, ["-e", "0"]).pid!;
}

describe("output lock: one run per directory, also when runs start together", () => {
  it("of runs starting at the same instant exactly one takes the lock, absent or stale", async () => {
    for (const stale of [false, true]) {
      for (let round = 0; round < 2; round++) {
        const dir = tempDir();
        if (stale) writeFileSync(join(dir, LOCK_FILE), `${exitedPid()}\n`);
        const outs = await contend(dir, 5);
        expect(
          outs.filter((o) => o === "TOOK"),
          `${stale ? "stale" : "absent"} lock: ${outs.join(" | ")}`,
        ).toHaveLength(1);
        for (const o of outs.filter((x) => x !== "TOOK"))
          expect(o).toMatch(/^REFUSED .* is in use by another paper-trader/);
        expect(existsSync(join(dir, LOCK_FILE)), "released by its holder").toBe(false);
      }
    }
  }, 120_000);

  it("the lock file is never seen half-written: it holds the holder's pid and identity", () => {
    const dir = tempDir();
    const release = lockOutputDir(dir);
    const text = readFileSync(join(dir, LOCK_FILE), "utf8");
    expect(text.split("\n")[0]).toBe(String(process.pid));
    expect(text).toMatch(/\nhost=/);
    expect(() => lockOutputDir(dir)).toThrow(/in use by another paper-trader \(pid \d+, this process\)/);
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("a takeover mutex left by a run killed mid-takeover is cleared; a live one makes the next run wait, then refuse", () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), `${exitedPid()}\n`);
    writeFileSync(join(dir, `${LOCK_FILE}.takeover`), `${exitedPid()}\n`);
    const release = lockOutputDir(dir);
    expect(existsSync(join(dir, `${LOCK_FILE}.takeover`))).toBe(false);
    release();

    writeFileSync(join(dir, LOCK_FILE), `${exitedPid()}\n`);
    writeFileSync(join(dir, `${LOCK_FILE}.takeover`), `${process.pid}\n`); // a takeover in progress
    const t0 = Date.now();
    expect(() => lockOutputDir(dir)).toThrow(/another run's takeover of it .*\.takeover\) did not finish/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2900);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8"), "the stale lock is left as it was").toMatch(/^\d+\n$/);
  });

  it("on a file system without hard links the lock is still created exclusively", () => {
    const dir = tempDir();
    const path = join(dir, LOCK_FILE);
    const noLinks = (): never => {
      throw Object.assign(new Error("operation not supported"), { code: "ENOTSUP" });
    };
    expect(publishLockFile(path, "123\n", false, noLinks)).toBe(true);
    expect(readFileSync(path, "utf8")).toBe("123\n");
    expect(publishLockFile(path, "456\n", false, noLinks), "exists: not taken").toBe(false);
    expect(readFileSync(path, "utf8")).toBe("123\n");
    const denied = (): never => {
      throw Object.assign(new Error("no space left"), { code: "ENOSPC" });
    };
    expect(() => publishLockFile(join(dir, "other.lock"), "1\n", false, denied)).toThrow(/no space/);
    expect(readdirSync(dir).sort(), "no temporary file left behind").toEqual([LOCK_FILE]);
  });

  it("temporary lock files left by a run killed mid-publish are removed once they are a minute old", () => {
    const dir = tempDir();
    const old = join(dir, `${LOCK_FILE}.4242.abc.tmp`);
    const fresh = join(dir, `${LOCK_FILE}.4343.def.tmp`);
    writeFileSync(old, "4242\n");
    writeFileSync(fresh, "4343\n");
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(old, twoMinutesAgo, twoMinutesAgo);
    const release = lockOutputDir(dir);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh), "may belong to a run publishing right now").toBe(true);
    release();
  });
});
