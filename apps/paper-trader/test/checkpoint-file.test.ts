import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCheckpoint, writeCheckpoint } from "../src/checkpoint.js";
import { tempDir } from "./helpers.js";

describe("checkpoint.json on disk", () => {
  it("is written whole under its own name (no temp file left) and read back as written", () => {
    const dir = tempDir();
    const path = writeCheckpoint(dir, { run_id: "r1", events_consumed: 42 });
    expect(path).toBe(join(dir, "checkpoint.json"));
    expect(readdirSync(dir)).toEqual(["checkpoint.json"]);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({
      checkpoint_version: 1,
      run_id: "r1",
      events_consumed: 42,
    });
    expect(readCheckpoint(dir)).toEqual({ checkpoint_version: 1, run_id: "r1", events_consumed: 42 });
  });

  it("a write that fails leaves no temp file behind, and the error is the write's own", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "checkpoint.json")); // the rename onto it fails (a directory)
    expect(() => writeCheckpoint(dir, { run_id: "r1" })).toThrow(/EISDIR|EEXIST|ENOTEMPTY|EPERM/);
    expect(readdirSync(dir)).toEqual(["checkpoint.json"]);
  });

  it("saved again by an editor with a byte-order mark, it still reads", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "checkpoint.json"), '\uFEFF{"checkpoint_version":1,"run_id":"r1"}');
    expect(readCheckpoint(dir)).toEqual({ checkpoint_version: 1, run_id: "r1" });
  });

  it("none is null; another format version or a non-object is refused as unknown", () => {
    const dir = tempDir();
    expect(readCheckpoint(dir)).toBeNull();
    const unknown = `cannot --resume: checkpoint ${join(dir, "checkpoint.json")} has an unknown format (expected checkpoint_version 1)`;
    for (const text of ['{"checkpoint_version":2}', '{"run_id":"r1"}', "null", "[1]", "1"]) {
      writeFileSync(join(dir, "checkpoint.json"), text);
      expect(() => readCheckpoint(dir), text).toThrow(unknown);
    }
  });
});
