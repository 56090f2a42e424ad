import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readJsonl } from "./jsonl-reader.js";
import { fillSchema, STREAM_FILES } from "./records.js";

const CHILD = fileURLToPath(new URL("./fixtures/fill-past-file-limit.ts", import.meta.url));
const LIMIT_BYTES = 1024; // `ulimit -f 1`: bash counts in 1024-byte blocks

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Run the child under a real file-size limit: the kernel writes up to the limit, then EFBIG. */
function runPastLimit(first: number, second: number): { dir: string; out: Record<string, unknown> } {
  const dir = mkdtempSync(join(tmpdir(), "mmkit-efbig-"));
  dirs.push(dir);
  const r = spawnSync(
    "bash",
    [
      "-c",
      'ulimit -f 1 && exec "$0" --import tsx "$@"',
      process.execPath,
      CHILD,
      dir,
      String(first),
      String(second),
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return { dir, out: JSON.parse(r.stdout) as Record<string, unknown> };
}

describe("a write that fails part-way (file-size limit: a short write, then EFBIG)", () => {
  it("is cut back: the file ends at the last whole record written before it", async () => {
    const { dir, out } = runPastLimit(2, 3);
    const path = join(dir, STREAM_FILES.fills);
    const text = readFileSync(path, "utf8");
    // the first flush (2 records) fits; the second (3 more) would pass 1024 bytes
    const lines = text.split("\n");
    expect(lines.at(-1)).toBe(""); // ends with a newline: no torn record
    expect(lines.slice(0, -1).map((l) => (JSON.parse(l) as { fill_id: string }).fill_id)).toEqual([
      "f0",
      "f1",
    ]);
    expect(statSync(path).size).toBeLessThan(LIMIT_BYTES);
    expect(out).toMatchObject({ written: 2, writeErrors: 1, unwritten: 3 });
    expect(String(out["lastError"])).toMatch(/^write fills\.jsonl: .*EFBIG/);
    const reader = readJsonl(path, fillSchema);
    const recs: unknown[] = [];
    for await (const rec of reader) recs.push(rec);
    expect(recs).toHaveLength(2);
    expect(reader.issues).toEqual([]);
  });

  it("a first write past the limit leaves an empty file, not a cut record", () => {
    const { dir, out } = runPastLimit(0, 4);
    expect(readFileSync(join(dir, STREAM_FILES.fills), "utf8")).toBe("");
    expect(out).toMatchObject({ written: 0, writeErrors: 1, unwritten: 4 });
  });
});
