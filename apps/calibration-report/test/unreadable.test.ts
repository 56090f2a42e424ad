/** Inputs that exist but cannot be read: named as such, never a crash or "missing". */
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { main } from "../src/main.js";
import { renderHtml } from "../src/render-html.js";
import { renderText } from "../src/render-text.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { tempDirs, writeRunDir } from "./run-dir.js";

const tmp = tempDirs("unreadable");
const criteria = parseCriteria(GOLDEN_CRITERIA);
const quiet = { stdout: () => {}, stderr: () => {} };

describe("unreadable inputs", () => {
  it("a directory named fills.jsonl is flagged as unreadable; the other streams are still read", async () => {
    const dir = await writeRunDir(await tmp("eisdir"), goldenFiles());
    await rm(join(dir, "fills.jsonl"));
    await mkdir(join(dir, "fills.jsonl"));
    const r = await buildReport(dir, { criteria });
    const f = r.inputs.find((i) => i.stream === "fills")!;
    expect(f.present).toBe(true);
    expect(f.unreadable).toBe("EISDIR: a directory");
    expect(r.issues).toContainEqual({
      location: join(dir, "fills.jsonl"),
      reason: "unreadable: EISDIR: a directory; not read",
    });
    expect(r.verdict.notes).toContain("Unreadable input file(s): fills.jsonl (EISDIR: a directory).");
    // the fill count falls back to edge_validation.jsonl, as for a missing fills.jsonl
    expect(r.summary.fills).toBe(4);
    expect(r.summary.endEquity).toBe(10_060);
    expect(renderText(r)).toContain("UNREADABLE (EISDIR: a directory)");
    expect(renderHtml(r)).toContain("UNREADABLE");
    expect(await main([dir, "-q"], quiet)).not.toBe(2);
  });

  it("an invalid run.json says invalid, not missing", async () => {
    const dir = await writeRunDir(await tmp("badjson"), goldenFiles());
    await writeFile(join(dir, "run.json"), "{");
    const r = await buildReport(dir, { criteria });
    expect(r.missing).not.toContain("run.json");
    const text = renderText(r);
    expect(text).toMatch(/Run +n\/a \(run\.json invalid, see Inputs\)/);
    expect(text).not.toContain("run.json missing");
    await rm(join(dir, "run.json"));
    expect(renderText(await buildReport(dir, { criteria }))).toMatch(/Run +n\/a \(run\.json missing\)/);
  });
});

describe("inputs that cannot be followed", () => {
  it("a symlink loop as fills.jsonl (and as run.json) is UNREADABLE (ELOOP), not MISSING", async () => {
    const dir = await writeRunDir(await tmp("eloop"), goldenFiles());
    await rm(join(dir, "fills.jsonl"));
    await symlink("fills.jsonl", join(dir, "fills.jsonl")); // points at itself
    await rm(join(dir, "run.json"));
    await symlink("run.json", join(dir, "run.json"));
    const r = await buildReport(dir, { criteria });
    const f = r.inputs.find((i) => i.stream === "fills")!;
    expect(f.present).toBe(true);
    expect(f.unreadable).toBe("ELOOP: a symbolic link loop");
    expect(r.missing).toEqual(["signal_pnl.jsonl"]); // the golden run writes none
    expect(r.issues).toContainEqual({
      location: join(dir, "fills.jsonl"),
      reason: "unreadable: ELOOP: a symbolic link loop; not read",
    });
    expect(r.issues).toContainEqual({
      location: join(dir, "run.json"),
      reason: "unreadable: ELOOP: a symbolic link loop",
    });
    expect(r.verdict.notes).toContain("Unreadable input file(s): fills.jsonl (ELOOP: a symbolic link loop).");
    expect(r.summary.fills).toBe(4); // from edge_validation.jsonl, as for any unreadable fills.jsonl
    const text = renderText(r);
    expect(text).toContain("UNREADABLE (ELOOP: a symbolic link loop)");
    expect(text).toMatch(/signal_pnl\.jsonl +MISSING/);
    expect(text).not.toMatch(/fills\.jsonl +MISSING/);
    expect(await main([dir, "-q"], quiet)).not.toBe(2);
  });

  it("a symlink to nothing as equity.jsonl is UNREADABLE (ENOENT), not MISSING", async () => {
    const dir = await writeRunDir(await tmp("dangling"), goldenFiles());
    await rm(join(dir, "equity.jsonl"));
    await symlink("gone.jsonl", join(dir, "equity.jsonl"));
    const r = await buildReport(dir, { criteria });
    expect(r.inputs.find((i) => i.stream === "equity")!.unreadable).toBe(
      "ENOENT: a symbolic link to nothing",
    );
    expect(r.missing).toEqual(["signal_pnl.jsonl"]); // the golden run writes none
  });
});
