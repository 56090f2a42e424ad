/**
 * A per-directory mutex the kernel holds for as long as the process lives: on Linux, an abstract
 * unix socket (not a file: the kernel frees its name the moment the holder exits, however it dies)
 * bound under a name made of the directory's device and inode. Nothing about it can go stale, so
 * judging and replacing a stale lock file under it cannot race with another run in this network
 * namespace. Elsewhere (no abstract sockets) there is none.
 */
import { statSync } from "node:fs";
import { createServer, type Server } from "node:net";

/** A held mutex; `release()` frees it (idempotent). */
export interface KernelMutex {
  release: () => void;
}

/** The abstract socket name of `dir`'s mutex: the same directory through any path or mount. */
function mutexName(dir: string): string {
  const { dev, ino } = statSync(dir, { bigint: true });
  return `\0mmkit-paper-trader-lock/${dev}/${ino}`;
}

/**
 * Take `dir`'s mutex: the held mutex, "busy" when another process (or another lock in this one)
 * holds it, or null where the platform has none or the socket cannot be bound (the caller then
 * relies on the lock file alone).
 */
export function takeKernelMutex(dir: string): Promise<KernelMutex | "busy" | null> {
  if (process.platform !== "linux") return Promise.resolve(null);
  const name = mutexName(dir);
  return new Promise((resolve) => {
    const server: Server = createServer((socket) => socket.destroy());
    server.once("error", (err: NodeJS.ErrnoException) => {
      resolve(err.code === "EADDRINUSE" ? "busy" : null);
    });
    server.listen(name, () => {
      server.unref(); // holding it must not keep the process alive
      let held = true;
      resolve({
        release: () => {
          if (held) server.close();
          held = false;
        },
      });
    });
  });
}
