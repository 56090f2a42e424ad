/**
 * Who holds an output directory's lock file: the holder's identity (pid, host, boot, pid namespace,
 * start time) as written into the file, and whether that process still runs as seen from here.
 */
import { readFileSync, readlinkSync, statSync } from "node:fs";
import { hostname } from "node:os";

/** Age under which a lock file without a valid pid counts as being written (held). */
export const UNREADABLE_HELD_MS = 5000;

/** Whether the file at `path` exists and was modified within `UNREADABLE_HELD_MS`. */
function writtenJustNow(path: string): boolean {
  try {
    return Math.abs(Date.now() - statSync(path).mtimeMs) < UNREADABLE_HELD_MS;
  } catch {
    return false;
  }
}

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
export interface LockIdentity {
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
export function ownIdentity(): LockIdentity {
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
export interface LockRecord {
  pid: number;
  id: Partial<LockIdentity>;
}

/** The lock file at `path` parsed, or null when it is absent or holds no valid pid. */
export function readLock(path: string): LockRecord | null {
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

/** The text of a lock file for `pid` running as `id`. */
export function lockText(pid: number, id: LockIdentity): string {
  const lines = [String(pid), `host=${id.host}`];
  if (id.boot !== undefined) lines.push(`boot=${id.boot}`);
  if (id.pidns !== undefined) lines.push(`pidns=${id.pidns}`);
  if (id.start !== undefined) lines.push(`start=${id.start}`);
  return `${lines.join("\n")}\n`;
}

/** Who holds a lock: nobody (no lock, or a stale one), a process checked to be running, or one that cannot be checked from here. */
export type LockHolder =
  | { kind: "running"; pid: number }
  | { kind: "starting" }
  | { kind: "elsewhere"; pid: number; host: string }
  | null;

/**
 * The holder of the lock file at `path`. A lock written with this machine's boot, pid namespace and
 * host is held while its pid runs with the recorded start time (so a pid reused since — a restart,
 * a reboot — is stale). A lock from another host or pid namespace (another container on a shared
 * volume) cannot be checked from here: it counts as held. A lock without identity (older versions)
 * is held while its pid runs. A lock file without a valid pid is held while it is younger than
 * `UNREADABLE_HELD_MS` (a writer without hard links, or an older version, may be writing it).
 */
export function holderOf(path: string): LockHolder {
  const rec = readLock(path);
  if (rec === null) return writtenJustNow(path) ? { kind: "starting" } : null;
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
