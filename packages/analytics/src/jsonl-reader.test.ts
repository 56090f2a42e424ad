import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonlParts, readJsonl } from "./jsonl-reader.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "mmkit-jsonl-"));
  dirs.push(d);
  return d;
}

const Rec = z.object({ n: z.number() });
const line = (n: number): string => `{"n":${n}}\n`;

const numbers = (path: string, options: Parameters<typeof readJsonl>[2] = {}): Promise<number[]> =>
  numbersOf(readJsonl(path, Rec, options));

describe("rotated parts", () => {
  it("are read in the numeric order of N (2 before 10), then the current file; other names are not parts", async () => {
    const dir = tmp();
    const path = join(dir, "fills.jsonl");
    // written newest first, so no directory order can give the right one by accident
    for (let n = 12; n >= 1; n--) writeFileSync(join(dir, `fills.${n}.jsonl`), line(n));
    writeFileSync(path, line(13));
    writeFileSync(join(dir, "fills.old.jsonl"), line(-1));
    writeFileSync(join(dir, "fills.2.jsonl.gz"), "");
    writeFileSync(join(dir, "fills-2.jsonl"), line(-2));
    expect(jsonlParts(path).map((f) => basename(f))).toEqual([
      ...Array.from({ length: 12 }, (_, i) => `fills.${i + 1}.jsonl`),
      "fills.jsonl",
    ]);
    expect(await numbers(path)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });

  it("with includeRotated false, only the file itself is read", async () => {
    const dir = tmp();
    const path = join(dir, "fills.jsonl");
    writeFileSync(join(dir, "fills.1.jsonl"), line(1));
    writeFileSync(path, line(2));
    expect(await numbers(path, { includeRotated: false })).toEqual([2]);
    expect(await numbers(join(dir, "none.jsonl"), { includeRotated: false })).toEqual([]);
  });
});

describe("line numbers and kinds of issues", () => {
  it("a blank line that ends a read chunk still counts: the next bad line is located right", async () => {
    const dir = tmp();
    const path = join(dir, "s.jsonl");
    // 9 bytes per chunk: the first read is exactly line 1 and the blank line 2
    writeFileSync(path, `${line(1).trimEnd()}\n\n{bad\n${line(4)}`);
    const reader = readJsonl(path, Rec, { chunkBytes: 9 });
    expect(await numbersOf(reader)).toEqual([1, 4]);
    expect(reader.issues.map((i) => [i.line, i.kind])).toEqual([[3, "parse"]]);
  });

  it("a bad last line that ends in a newline is a parse error, not a torn line; one without is torn", async () => {
    const dir = tmp();
    const whole = join(dir, "whole.jsonl");
    writeFileSync(whole, `${line(1)}{bad\n`);
    const r1 = readJsonl(whole, Rec);
    expect(await numbersOf(r1)).toEqual([1]);
    expect(r1.issues.map((i) => [i.line, i.kind])).toEqual([[2, "parse"]]);
    expect(r1.stats).toMatchObject({ lines: 2, records: 1, bad: 1, torn: 0 });
    const cut = join(dir, "cut.jsonl");
    writeFileSync(cut, `${line(1)}{"n":`);
    const r2 = readJsonl(cut, Rec);
    expect(await numbersOf(r2)).toEqual([1]);
    expect(r2.issues.map((i) => [i.line, i.kind, i.message])).toEqual([
      [2, "torn", "truncated last line (5 chars)"],
    ]);
    expect(r2.stats).toMatchObject({ bad: 0, torn: 1 });
  });

  it("keeps at most maxIssues issues and counts them all", async () => {
    const dir = tmp();
    const path = join(dir, "s.jsonl");
    writeFileSync(path, `{x\n${line(1)}{y\n{"n":"z"}\n`);
    const seen: number[] = [];
    const reader = readJsonl(path, Rec, { maxIssues: 2, onIssue: (i) => seen.push(i.line) });
    expect(await numbersOf(reader)).toEqual([1]);
    expect(reader.issues.map((i) => i.line)).toEqual([1, 3]);
    expect(seen).toEqual([1, 3, 4]);
    expect(reader.stats.bad).toBe(3);
  });
});

async function numbersOf(reader: AsyncIterable<{ n: number }>): Promise<number[]> {
  const out: number[] = [];
  for await (const r of reader) out.push(r.n);
  return out;
}
