/**
 * One run per output directory. Two runs writing the same streams would interleave them (and the
 * second would archive the first's files while it still writes them). A run holds two things:
 * - a kernel mutex for the directory (Linux; kernel-mutex.ts), freed by the kernel when the run
 *   exits however it dies, under which a stale lock file is judged and replaced — so of runs
 *   starting together exactly one gets the directory;
 * - `<dir>/.paper-trader.lock`, the holder's pid and where it runs (host, boot, pid namespace,
 *   start time; lock-holder.ts): what another container or host on a shared volume, which cannot
 *   see the mutex, checks, and what the "in use" message names.
 * Taking the lock also proves the directory writable before anything is moved, truncated or written.
 */
import {
  linkSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { ConfigError } from "./config.js";
import { type KernelMutex, takeKernelMutex } from "./kernel-mutex.js";
import { holderOf, type LockHolder, lockText, ownIdentity, readLock } from "./lock-holder.js";

export type { LockHolder } from "./lock-holder.js";

/** File name of the lock inside the output directory. */
export const LOCK_FILE = ".paper-trader.lock";

/** The holder of `dir`'s lock file (see `holderOf`): null when there is none or it is stale. */
export function activeLockHolder(dir: string): LockHolder {
  return holderOf(join(dir, LOCK_FILE));
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/** "DIR is in use by …" for a lock holder (the error text of both the lock and --resume). */
export function inUseText(dir: string, holder: NonNullable<LockHolder>): string {
  if (holder.kind === "running")
    return `${dir} is in use by another paper-trader (pid ${holder.pid}${holder.pid === process.pid ? ", this process" : ""})`;
  if (holder.kind === "starting")
    return `${dir} is in use by another paper-trader that is starting (its lock ${join(dir, LOCK_FILE)} is being written)`;
  return `${dir} is in use by a paper-trader on ${holder.host} (pid ${holder.pid} in another container or host, which cannot be checked from here; if none runs there, delete ${join(dir, LOCK_FILE)})`;
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
  try {
    writeFileSync(tmp, text, { flag: "wx" });
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
    rmSync(tmp, { force: true }); // a link's second name, a failed write, or nothing after a rename
  }
}

/** Age after which a lock's temporary file is a leftover (a run killed between writing and linking it). */
const LEFTOVER_TMP_AGE_MS = 3_600_000;

/** Remove temporary lock files that runs killed mid-publish left in `dir` (best effort). */
function removeLeftoverTempFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!(name.startsWith(`${LOCK_FILE}.`) && name.endsWith(".tmp"))) continue;
    const file = join(dir, name);
    try {
      if (Date.now() - statSync(file).mtimeMs > LEFTOVER_TMP_AGE_MS) rmSync(file, { force: true });
    } catch {
      // gone meanwhile: nothing to tidy
    }
  }
}

/**
 * Take the lock file at `path`: true, or the holder that keeps it. A stale one is replaced — safe
 * under the kernel mutex (no run in this namespace can be judging it at the same time, and a run in
 * another container sees this lock as "elsewhere" and never replaces it); without the mutex two
 * runs replacing the same stale lock at the same instant could both proceed.
 */
function takeLockFile(dir: string, path: string, text: string): true | NonNullable<LockHolder> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (publishLockFile(path, text)) return true;
    const holder = activeLockHolder(dir);
    if (holder !== null) return holder;
    // stale: replace it in one rename (the path never goes missing in between)
    if (publishLockFile(path, text, true)) return true;
  }
  throw new Error(`the lock ${path} kept changing`);
}

/**
 * Create `dir` if needed and take its lock; resolves to the function that releases it. Rejects
 * with a ConfigError (exit 2, nothing written) when the directory cannot be created or written, or
 * when a running process holds the lock (see `activeLockHolder`). A lock left by a process that no
 * longer runs (killed), or whose pid was reused since (restart, reboot), is taken over.
 */
export function lockOutputDir(dir: string): Promise<() => void> {
  return lockDir(dir, "--output-dir", "give each run its own --output-dir");
}

/**
 * The same lock for the directory a flag names (`--output-dir`, `--record`): errors name `flag`
 * and end with `advice` when another running paper-trader holds it.
 */
export async function lockDir(dir: string, flag: string, advice: string): Promise<() => void> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new ConfigError(`invalid ${flag}: cannot create ${dir} (${errCode(err)})`);
  }
  const path = join(dir, LOCK_FILE);
  const me = ownIdentity();
  const inUse = (holder: NonNullable<LockHolder>): ConfigError =>
    new ConfigError(`invalid ${flag}: ${inUseText(dir, holder)}; ${advice}`);
  const mutex: KernelMutex | "busy" | null = await takeKernelMutex(dir);
  if (mutex === "busy") throw inUse(activeLockHolder(dir) ?? { kind: "starting" });
  try {
    const taken = takeLockFile(dir, path, lockText(process.pid, me));
    if (taken !== true) throw inUse(taken);
  } catch (err) {
    mutex?.release();
    if (err instanceof ConfigError) throw err;
    // a read-only directory that a running paper-trader holds is "in use" rather than "not writable"
    const holder = activeLockHolder(dir);
    if (holder !== null) throw inUse(holder);
    throw new ConfigError(`invalid ${flag}: ${dir} is not writable (${errCode(err)})`);
  }
  removeLeftoverTempFiles(dir);
  return () => {
    try {
      const rec = readLock(path);
      if (rec?.pid === process.pid && rec.id.start === me.start) unlinkSync(path);
    } catch {
      // already gone, or the directory became unwritable: the mutex is freed all the same
    }
    mutex?.release();
  };
}
