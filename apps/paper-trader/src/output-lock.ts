/**
 * One run per output directory: `<dir>/.paper-trader.lock` holds the pid of the run using it.
 * Two runs writing the same streams would interleave them (and the second would archive the
 * first's files while it still writes them). Taking the lock also proves the directory writable
 * before anything is moved, truncated or written.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
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

/** Linux's clock ticks per second in /proc/<pid>/stat (USER_HZ: 100 on every mainstream architecture). */
const USER_HZ = 100;

/**
 * Whether the process with this pid provably started after `tsMs` (Linux /proc; false where that
 * cannot be told): then it is not the run that wrote a lock at `tsMs`, only one that reused its pid —
 * e.g. a container restarted with the same pid 1, or a host rebooted.
 */
export function startedAfter(pid: number, tsMs: number): boolean {
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"));
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the command name (which may hold spaces and parentheses): state is field 3, starttime 22
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const startTicks = Number(fields[22 - 3]);
    if (btime === null || !Number.isFinite(startTicks)) return false;
    const startedMs = (Number(btime[1]) + startTicks / USER_HZ) * 1000;
    return startedMs > tsMs + 2000; // btime is whole seconds: keep a margin
  } catch {
    return false;
  }
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/** The pid written in a lock file, or null when it holds none. */
function lockHolder(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The pid of a running process that holds `dir`'s lock, or null (no lock, or a stale one). */
export function activeLockHolder(dir: string): number | null {
  const path = join(dir, LOCK_FILE);
  const pid = lockHolder(path);
  return pid !== null && processAlive(pid) && !startedAfter(pid, lockWrittenMs(path)) ? pid : null;
}

/** When the lock file was written (ms; +∞ when it cannot be read, so no holder is deemed newer). */
function lockWrittenMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Create `dir` if needed and take its lock; returns the function that releases it. Throws a
 * ConfigError (exit 2, nothing written) when the directory cannot be created or written, or when a
 * running process holds the lock. A lock left by a process that no longer runs (killed), or whose pid a
 * process started since then has reused (container restart, reboot), is taken over.
 */
export function lockOutputDir(dir: string): () => void {
  return lockDir(dir, "--output-dir", "give each run its own --output-dir");
}

/**
 * The same lock for the directory a flag names (`--output-dir`, `--record`): errors name `flag`
 * and end with `advice` when another running paper-trader holds it.
 */
export function lockDir(dir: string, flag: string, advice: string): () => void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new ConfigError(`invalid ${flag}: cannot create ${dir} (${errCode(err)})`);
  }
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (err) {
      const code = errCode(err);
      if (code !== "EEXIST") throw new ConfigError(`invalid ${flag}: ${dir} is not writable (${code})`);
      const pid = activeLockHolder(dir);
      if (pid !== null) {
        throw new ConfigError(
          `invalid ${flag}: ${dir} is in use by another paper-trader (pid ${pid}${pid === process.pid ? ", this process" : ""}); ${advice}`,
        );
      }
      if (attempt > 0) throw new ConfigError(`invalid ${flag}: cannot take the lock ${path}`);
      unlinkSync(path); // left by a run that was killed
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return () => {
      if (lockHolder(path) === process.pid) unlinkSync(path);
    };
  }
}
