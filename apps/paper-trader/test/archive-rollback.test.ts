// Archiving fails half-way (QA: an immutable fills.jsonl, EPERM on rename): all or nothing.
import * as realFs from "node:fs";
import { join } from "node:path";
import { expect, it, vi } from "vitest";
import { archivePreviousRun } from "../src/archive.js";
import { capturingLogger, tempDir } from "./helpers.js";

const fail = vi.hoisted(() => ({ name: "" }));

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof realFs>();
  const renameSync = ((from: realFs.PathLike, to: realFs.PathLike) => {
    if (fail.name !== "" && String(from).endsWith(`/${fail.name}`))
      throw Object.assign(new Error(`EPERM: operation not permitted, rename '${String(from)}'`), {
        code: "EPERM",
      });
    fs.renameSync(from, to);
  }) as typeof fs.renameSync;
  const wrapped = { ...fs, renameSync };
  return { ...wrapped, default: wrapped };
});

it("a rename that fails half-way puts back what was moved and says so: the run is never split in two", () => {
  const dir = tempDir();
  const files = ["checkpoint.json", "equity.jsonl", "fills.jsonl", "run.json", "signal_pnl.jsonl"];
  for (const f of files) realFs.writeFileSync(join(dir, f), f === "run.json" ? '{"run_id":"r1"}' : `${f}\n`);
  fail.name = "run.json"; // readdir order: moved after the .jsonl files
  try {
    expect(() => archivePreviousRun(dir, capturingLogger([]))).toThrow(
      /^invalid --output-dir: cannot archive the previous run in .* \(EPERM: operation not permitted, rename .*run\.json'\): its files were left in place/,
    );
  } finally {
    fail.name = "";
  }
  expect(realFs.readdirSync(dir).sort()).toEqual(files);
  for (const f of files.filter((f) => f !== "run.json"))
    expect(realFs.readFileSync(join(dir, f), "utf8")).toBe(`${f}\n`);
});
