/** Directories the CLI must not create files in: the kernel's pseudo-filesystems, files. */
import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ConfigError } from "./config.js";

/** Where `dir` really is: the real path of its nearest existing ancestor, plus the part not yet created. */
function realLocation(dir: string): string {
  let existing = resolve(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    return join(realpathSync(existing), relative(existing, resolve(dir)));
  } catch {
    return resolve(dir);
  }
}

/**
 * A ConfigError naming `flag` when `dir` is (or, through a symlink, leads) inside /proc or /sys:
 * Node's recursive mkdir spins forever under /proc, and neither takes files.
 */
export function requireNotPseudoFs(dir: string, flag: string): void {
  const where = realLocation(dir);
  if (/^\/(proc|sys)(\/|$)/.test(where))
    throw new ConfigError(`invalid ${flag}: ${dir} is inside a kernel pseudo-filesystem (${where})`);
}

/** A ConfigError when `--output-dir` cannot be a run's directory: in a pseudo-filesystem, or a file. */
export function requireOutputDirPath(dir: string): void {
  requireNotPseudoFs(dir, "--output-dir");
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new ConfigError(`invalid --output-dir: ${dir} exists and is not a directory`);
}
