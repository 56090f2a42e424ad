import { readFileSync } from "node:fs";
import type { Server } from "node:net";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** Absolute path of a fixture file. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
}

/** Raw JSON frames (without the local-ns prefix) of a `<ns> <json>` capture fixture. */
export function captureFrames(name: string): string[] {
  return gunzipSync(readFileSync(fixturePath(name)))
    .toString("utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.slice(l.indexOf(" ") + 1));
}

/** Resolve when `pred()` holds, polling; reject after `timeoutMs` with `what`. */
export async function waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Listen on 127.0.0.1 with an OS-assigned port; resolves with the server once listening. */
export async function listenLocal<S extends Server>(server: S): Promise<S> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return server;
}
