import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { LOCK_FILE, lockOutputDir, publishLockFile } from "../src/output-lock.js";
import { cliCommand, tempDir } from "./helpers.js";

const CONTENDER = fileURLToPath(new URL("./lock-contender.ts", import.meta.url));

/** A contender process (lock-contender.ts) and its output lines. */
class Contender {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  constructor(dir: string) {
    const { argv, env } = cliCommand([]);
    this.child = spawn(argv[0]!, [...argv.slice(1, 3), CONTENDER, dir], { env });
    let buf = "";
    this.child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        this.lines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr.on("data", (d: Buffer) => this.lines.push(`STDERR ${d.toString()}`));
  }
  /** The first output line after the first `skip` ones. */
  async line(skip: number): Promise<string> {
    while (this.lines.length <= skip) await new Promise<void>((r) => this.waiters.push(r));
    return this.lines[skip]!;
  }
  send(cmd: "GO" | "RELEASE"): void {
    this.child.stdin.write(`${cmd}\n`);
  }
}

const started: Contender[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.child.kill("SIGKILL");
});

/** `n` contenders on `dir`, all loaded and waiting for GO. */
async function ready(dir: string, n: number): Promise<Contender[]> {
  const cs = Array.from({ length: n }, () => new Contender(dir));
  started.push(...cs);
  for (const c of cs) expect(await c.line(0)).toBe("READY");
  return cs;
}

/** Release them all at once (GO written to each, microseconds apart); their answers. */
async function go(cs: Contender[]): Promise<string[]> {
  for (const c of cs) c.send("GO");
  return Promise.all(cs.map((c) => c.line(1)));
}

/** A pid that ran and exited (its lock is stale). */
function exitedPid(): number {
  return spawnSync(process.execPath, ["-e", "0"]).pid!;
}

const IN_USE = /^REFUSED invalid --output-dir: .* is in use by another paper-trader/;

describe("output lock: one run per directory, also when runs start together", () => {
  it("of runs released at the same instant exactly one takes the lock: absent, stale, or just released", async () => {
    // written by a run of this machine, boot and pid namespace whose pid has exited
    const staleWithIdentity = (pid: number): string =>
      `${pid}\nhost=${hostname()}\nboot=${readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim()}\npidns=${readlinkSync("/proc/self/ns/pid")}\nstart=1\n`;
    for (const lock of ["absent", "stale pid", "stale identity"] as const) {
      const dir = tempDir();
      if (lock === "stale pid") writeFileSync(join(dir, LOCK_FILE), `${exitedPid()}\n`);
      if (lock === "stale identity") writeFileSync(join(dir, LOCK_FILE), staleWithIdentity(exitedPid()));
      const cs = await ready(dir, 5);
      const outs = await go(cs);
      expect(
        outs.filter((o) => o === "TOOK"),
        `${lock} lock: ${outs.join(" | ")}`,
      ).toHaveLength(1);
      for (const o of outs.filter((x) => x !== "TOOK")) expect(o).toMatch(IN_USE);
    }
    // the holder releases while four others try: never two holders
    const dir = tempDir();
    const [holder, ...others] = await ready(dir, 5);
    holder!.send("GO");
    expect(await holder!.line(1)).toBe("TOOK");
    holder!.send("RELEASE");
    const outs = await go(others);
    expect(outs.filter((o) => o === "TOOK").length, outs.join(" | ")).toBeLessThanOrEqual(1);
    for (const o of outs.filter((x) => x !== "TOOK")) expect(o).toMatch(IN_USE);
  }, 120_000);

  it("a run killed with SIGKILL leaves nothing that blocks the next one", async () => {
    const dir = tempDir();
    const [c] = await ready(dir, 1);
    c!.send("GO");
    expect(await c!.line(1)).toBe("TOOK");
    await expect(lockOutputDir(dir)).rejects.toThrow(/in use by another paper-trader \(pid \d+\)/);
    c!.child.kill("SIGKILL");
    await new Promise((r) => c!.child.once("exit", r));
    const release = await lockOutputDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8").split("\n")[0]).toBe(String(process.pid));
    release();
  }, 60_000);

  it("the holder keeps the directory even when its lock file is deleted by hand (kernel mutex, Linux)", async () => {
    const dir = tempDir();
    const release = await lockOutputDir(dir);
    const text = readFileSync(join(dir, LOCK_FILE), "utf8");
    expect(text.split("\n")[0]).toBe(String(process.pid));
    expect(text).toMatch(/\nhost=/);
    await expect(lockOutputDir(dir)).rejects.toThrow(
      /in use by another paper-trader \(pid \d+, this process\)/,
    );
    rmSync(join(dir, LOCK_FILE));
    await expect(lockOutputDir(dir)).rejects.toThrow(/in use by another paper-trader that is starting/);
    release();
    const again = await lockOutputDir(dir);
    again();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("a lock file without a valid pid is held while it may be being written (5 s), stale after", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), "");
    await expect(lockOutputDir(dir)).rejects.toThrow(/that is starting/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    const release = await lockOutputDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8").split("\n")[0]).toBe(String(process.pid));
    release();
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

  it("temporary lock files left by a run killed mid-publish are removed once they are an hour old", async () => {
    const dir = tempDir();
    const old = join(dir, `${LOCK_FILE}.4242.abc.tmp`);
    const fresh = join(dir, `${LOCK_FILE}.4343.def.tmp`);
    writeFileSync(old, "4242\n");
    writeFileSync(fresh, "4343\n");
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    const release = await lockOutputDir(dir);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh), "may belong to a run publishing right now").toBe(true);
    release();
  });
});
