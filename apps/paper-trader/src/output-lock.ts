/**
 * One run per output directory: `<dir>/.paper-trader.lock` holds the pid of the run using it and
 * where it runs (host, boot, pid namespace, start time), so a reused pid is told from the holder.
 * Two runs writing the same streams would interleave them (and the second would archive the
 * first's files while it still writes them). Taking the lock also proves the directory writable
 * before anything is moved, truncated or written.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { ConfigError } from "./config.js";

/** File name of the lock inside the output directory. */
export const LOCK_FILE = ".paper-trader.lock";

/** Whether a process with this pid is running (EPERM: it exists but belongs to another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Where a process runs, as far as a lock can tell: host name, boot, pid namespace and the start time
 * (clock ticks since boot) of the pid. Linux fields are absent elsewhere.
 */
interface LockIdentity {
  host: string;
  boot?: string;
  pidns?: string;
  start?: number;
}

/** Start of a process in clock ticks since boot (/proc/<pid>/stat field 22), or undefined. */
function startTicks(pid: number | "self"): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the command name (which may hold spaces and parentheses): state is field 3
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[22 - 3]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function readTrimmed(read: () => string): string | undefined {
  try {
    return read().trim() || undefined;
  } catch {
    return undefined;
  }
}

/** This process's identity, written into the lock it takes. */
function ownIdentity(): LockIdentity {
  const id: LockIdentity = { host: hostname() };
  const boot = readTrimmed(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8"));
  const pidns = readTrimmed(() => readlinkSync("/proc/self/ns/pid"));
  const start = startTicks("self");
  if (boot !== undefined) id.boot = boot;
  if (pidns !== undefined) id.pidns = pidns;
  if (start !== undefined) id.start = start;
  return id;
}

/** A lock file: the holder's pid (first line, all older versions wrote) and its identity (`key=value` lines). */
interface LockRecord {
  pid: number;
  id: Partial<LockIdentity>;
}

function readLock(path: string): LockRecord | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const [first, ...rest] = text.split("\n");
  const pid = Number.parseInt((first ?? "").trim(), 10);
  if (!(Number.isInteger(pid) && pid > 0)) return null;
  const id: Partial<LockIdentity> = {};
  for (const line of rest) {
    const eq = line.indexOf("=");
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (eq <= 0 || value === "") continue;
    if (key === "host" || key === "boot" || key === "pidns") id[key] = value;
    else if (key === "start" && Number.isFinite(Number(value))) id.start = Number(value);
  }
  return { pid, id };
}

function lockText(pid: number, id: LockIdentity): string {
  const lines = [String(pid), `host=${id.host}`];
  if (id.boot !== undefined) lines.push(`boot=${id.boot}`);
  if (id.pidns !== undefined) lines.push(`pidns=${id.pidns}`);
  if (id.start !== undefined) lines.push(`start=${id.start}`);
  return `${lines.join("\n")}\n`;
}

/** Who holds a lock: nobody (no lock, or a stale one), a process checked to be running, or one that cannot be checked from here. */
export type LockHolder =
  | { kind: "running"; pid: number }
  | { kind: "elsewhere"; pid: number; host: string }
  | null;

/**
 * The holder of `dir`'s lock. A lock written with this machine's boot, pid namespace and host is
 * held while its pid runs with the recorded start time (so a pid reused since — a restart, a
 * reboot — is stale). A lock from another host or pid namespace (another container on a shared
 * volume) cannot be checked from here: it counts as held. A lock without identity (older versions)
 * is held while its pid runs.
 */
export function activeLockHolder(dir: string): LockHolder {
  return holderOf(join(dir, LOCK_FILE));
}

/** The holder of the lock file at `path` (see `activeLockHolder`). */
function holderOf(path: string): LockHolder {
  const rec = readLock(path);
  if (rec === null) return null;
  const me = ownIdentity();
  const { id } = rec;
  if (id.host !== undefined && id.pidns !== undefined && id.boot !== undefined && id.start !== undefined) {
    const here = id.host === me.host && id.pidns === me.pidns;
    if (here && id.boot !== me.boot) return null; // this machine rebooted since: nothing of that boot runs
    if (!here) return { kind: "elsewhere", pid: rec.pid, host: id.host };
    return processAlive(rec.pid) && startTicks(rec.pid) === id.start
      ? { kind: "running", pid: rec.pid }
      : null;
  }
  return processAlive(rec.pid) ? { kind: "running", pid: rec.pid } : null;
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/** "DIR is in use by …" for a lock holder (the error text of both the lock and --resume). */
export function inUseText(dir: string, holder: NonNullable<LockHolder>): string {
  if (holder.kind === "running")
    return `${dir} is in use by another paper-trader (pid ${holder.pid}${holder.pid === process.pid ? ", this process" : ""})`;
  return `${dir} is in use by a paper-trader on ${holder.host} (pid ${holder.pid} in another container or host, which cannot be checked from here; if none runs there, delete ${join(dir, LOCK_FILE)})`;
}

/** Sleep the thread (the lock is taken before the run starts: nothing else is waiting on it). */
function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Error codes of `link` on file systems without hard links (FAT, some FUSE and SMB mounts). */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

/**
 * Make `path` appear whole and only if absent: the record goes to a temporary file first and is
 * hard-linked to `path` (atomic; EEXIST when it exists), so no reader ever sees a half-written lock.
 * Returns false when `path` exists. With `replace`, renames over `path` instead (atomic replace).
 * Where the file system has no hard links it falls back to an exclusive create, then the write.
 */
export function publishLockFile(
  path: string,
  text: string,
  replace = false,
  link: (existing: string, created: string) => void = linkSync,
): boolean {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, text, { flag: "wx" });
  try {
    if (replace) {
      renameSync(tmp, path);
      return true;
    }
    try {
      link(tmp, path);
    } catch (err) {
      if (!NO_HARD_LINKS.has(errCode(err))) throw err;
      writeFileSync(path, text, { flag: "wx" });
    }
    return true;
  } catch (err) {
    if (errCode(err) === "EEXIST") return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true }); // a link's second name, or nothing left after a rename
  }
}

/** Age after which a lock's temporary file is a leftover (a run killed between writing and linking it). */
const LEFTOVER_TMP_AGE_MS = 60_000;

/** Remove temporary lock files that runs killed mid-publish left in `dir` (best effort). */
function removeLeftoverTempFiles(dir: string): void {
  try {
    for (const name of readdirSync(dir)) {
      if (!(name.startsWith(`${LOCK_FILE}.`) && name.endsWith(".tmp"))) continue;
      const file = join(dir, name);
      if (Date.now() - statSync(file).mtimeMs > LEFTOVER_TMP_AGE_MS) rmSync(file, { force: true });
    }
  } catch {
    // a file gone meanwhile or an unreadable directory: nothing to tidy
  }
}

/** How long a takeover waits for another one in progress (each lasts a few ms) before giving up. */
const TAKEOVER_WAIT_MS = 3000;

/**
 * Run `takeover` holding `<lock>.takeover`, the mutex that serialises takeovers of a stale lock:
 * without it two runs that both found the lock stale could each replace it and both run. A mutex
 * left by a run killed inside its takeover (a few ms) is removed once its holder is gone.
 */
function withTakeoverMutex<T>(lockPath: string, text: string, takeover: () => T): T | "busy" {
  const mutex = `${lockPath}.takeover`;
  const deadline = Date.now() + TAKEOVER_WAIT_MS;
  for (;;) {
    if (publishLockFile(mutex, text)) {
      try {
        return takeover();
      } finally {
        rmSync(mutex, { force: true });
      }
    }
    if (holderOf(mutex) === null)
      rmSync(mutex, { force: true }); // its holder died mid-takeover
    else if (Date.now() > deadline) return "busy";
    else sleepMs(5);
  }
}

/**
 * Create `dir` if needed and take its lock; returns the function that releases it. Throws a
 * ConfigError (exit 2, nothing written) when the directory cannot be created or written, or when a
 * running process holds the lock (see `activeLockHolder`). A lock left by a process that no longer
 * runs (killed), or whose pid was reused since (restart, reboot), is taken over.
 */
export function lockOutputDir(dir: string): () => void {
  return lockDir(dir, "--output-dir", "give each run its own --output-dir");
}

/**
 * The same lock for the directory a flag names (`--output-dir`, `--record`): errors name `flag`
 * and end with `advice` when another running paper-trader holds it. Taking it is atomic: of runs
 * starting together on one directory exactly one gets it, whether the lock was absent or stale.
 */
export function lockDir(dir: string, flag: string, advice: string): () => void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new ConfigError(`invalid ${flag}: cannot create ${dir} (${errCode(err)})`);
  }
  const path = join(dir, LOCK_FILE);
  const me = ownIdentity();
  const text = lockText(process.pid, me);
  const inUse = (holder: NonNullable<LockHolder>): ConfigError =>
    new ConfigError(`invalid ${flag}: ${inUseText(dir, holder)}; ${advice}`);
  let taken: boolean;
  try {
    taken = publishLockFile(path, text);
    if (!taken) {
      const holder = activeLockHolder(dir);
      if (holder !== null) throw inUse(holder);
      // stale: replace it, re-checked under the takeover mutex (another run may have taken it since)
      const outcome = withTakeoverMutex(path, text, () => {
        const now = activeLockHolder(dir);
        if (now !== null) return now;
        if (publishLockFile(path, text, existsSync(path))) return true;
        return activeLockHolder(dir) ?? false; // released and taken afresh in between
      });
      if (outcome === "busy")
        throw new ConfigError(
          `invalid ${flag}: cannot take the lock ${path}: another run's takeover of it (${path}.takeover) did not finish`,
        );
      if (typeof outcome === "object") throw inUse(outcome);
      taken = outcome;
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`invalid ${flag}: ${dir} is not writable (${errCode(err)})`);
  }
  if (!taken) throw new ConfigError(`invalid ${flag}: cannot take the lock ${path}`);
  removeLeftoverTempFiles(dir);
  return () => {
    const rec = readLock(path);
    if (rec?.pid === process.pid && rec.id.start === me.start) unlinkSync(path);
  };
}
