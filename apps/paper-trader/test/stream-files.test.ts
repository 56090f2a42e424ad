import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CheckpointPacer } from "../src/checkpoint-pacing.js";
import {
  checkStreamsAtCheckpoint,
  newSetAsideDir,
  streamParts,
  streamSizes,
  truncateStreams,
} from "../src/stream-files.js";
import { tempDir } from "./helpers.js";

const lines = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, i) => `{"n":${from + i}}\n`).join("");

describe("putting the streams back to a checkpoint on --resume", () => {
  it("an event-time source: what followed the checkpoint is removed (the replay writes it again)", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "fills.jsonl"), lines(0, 3));
    const sizes = streamSizes(dir);
    writeFileSync(join(dir, "fills.jsonl"), lines(0, 5));
    const notes = truncateStreams(dir, sizes, streamParts(dir));
    expect(readFileSync(join(dir, "fills.jsonl"), "utf8")).toBe(lines(0, 3));
    expect(notes.map((n) => n.text)).toEqual([
      expect.stringMatching(
        /^fills\.jsonl: \d+ bytes after the checkpoint removed \(they will be rewritten\)$/,
      ),
    ]);
  });

  it("an event-time source rotated once since the checkpoint: that part is renamed back and cut there", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "fills.jsonl"), lines(0, 3));
    const sizes = streamSizes(dir);
    const parts = streamParts(dir);
    writeFileSync(join(dir, "fills.1.jsonl"), lines(0, 5)); // the checkpoint's file, rotated
    writeFileSync(join(dir, "fills.jsonl"), lines(5, 7));
    const notes = truncateStreams(dir, sizes, parts);
    expect(readdirSync(dir)).toEqual(["fills.jsonl"]);
    expect(readFileSync(join(dir, "fills.jsonl"), "utf8")).toBe(lines(0, 3));
    expect(notes.map((n) => n.text)).toEqual([
      "fills.jsonl: 1 rotation(s) after the checkpoint undone",
      "fills.jsonl: 16 bytes after the checkpoint removed (they will be rewritten)",
    ]);
  });

  it("a single torn byte after the checkpoint (a crash mid-write) is removed too", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "fills.jsonl"), lines(0, 3));
    const sizes = streamSizes(dir);
    writeFileSync(join(dir, "fills.jsonl"), `${lines(0, 3)}{`);
    truncateStreams(dir, sizes, streamParts(dir));
    expect(readFileSync(join(dir, "fills.jsonl"), "utf8")).toBe(lines(0, 3));
  });

  it("a file cut below its checkpointed size keeps its whole lines, each with its line break", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "fills.jsonl"), lines(0, 5)); // 40 bytes at the checkpoint
    const sizes = streamSizes(dir);
    writeFileSync(join(dir, "fills.jsonl"), `${lines(0, 2)}{"n":`); // lost on disk: cut at byte 21
    const notes = truncateStreams(dir, sizes, streamParts(dir));
    expect(readFileSync(join(dir, "fills.jsonl"), "utf8")).toBe(lines(0, 2));
    expect(notes).toEqual([
      {
        level: "warn",
        text: "fills.jsonl: shorter than at the checkpoint (21 < 40 bytes): records written before the checkpoint are lost; its cut last line (5 bytes) was removed",
      },
    ]);
  });

  it("a live source: what followed the checkpoint is moved aside whole and in order, never deleted", () => {
    const dir = tempDir();
    const aside = join(dir, "after-checkpoint", "x");
    // fills: no rotation since the checkpoint; edge: rotated twice since (parts .1 and .2 are newer)
    writeFileSync(join(dir, "fills.jsonl"), lines(0, 3));
    writeFileSync(join(dir, "edge_validation.jsonl"), lines(100, 102));
    const sizes = streamSizes(dir);
    const parts = streamParts(dir);
    writeFileSync(join(dir, "fills.jsonl"), lines(0, 6));
    writeFileSync(join(dir, "edge_validation.1.jsonl"), lines(100, 104)); // the checkpoint's current file, rotated
    writeFileSync(join(dir, "edge_validation.2.jsonl"), lines(104, 107));
    writeFileSync(join(dir, "edge_validation.jsonl"), lines(107, 108));
    const notes = truncateStreams(dir, sizes, parts, aside);
    expect(readFileSync(join(dir, "fills.jsonl"), "utf8")).toBe(lines(0, 3));
    expect(readFileSync(join(aside, "fills.jsonl"), "utf8")).toBe(lines(3, 6));
    expect(readFileSync(join(dir, "edge_validation.jsonl"), "utf8")).toBe(lines(100, 102));
    expect(readFileSync(join(aside, "edge_validation.jsonl"), "utf8")).toBe(lines(102, 108));
    expect(existsSync(join(dir, "edge_validation.1.jsonl"))).toBe(false);
    expect(readdirSync(aside).sort()).toEqual(["edge_validation.jsonl", "fills.jsonl"]);
    expect(notes.every((n) => n.level === "warn")).toBe(true);
    expect(notes.map((n) => n.text).join("\n")).toMatch(
      /fills\.jsonl: \d+ bytes written after the checkpoint moved to .*a live market cannot be replayed/,
    );
  });
});

describe("refusing a stream changed before the checkpoint's end", () => {
  const EDITED =
    /^cannot --resume: fills\.jsonl was changed before the checkpoint's end \(its byte 24 is not the end of a line/;

  it("a file of exactly its checkpointed size whose last byte is no longer a line end is refused", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "fills.jsonl"), lines(0, 3)); // 3 lines of 8 bytes: the checkpoint ends at byte 24
    const sizes = streamSizes(dir);
    expect(sizes["fills"]).toBe(24);
    expect(() => checkStreamsAtCheckpoint(dir, sizes, streamParts(dir))).not.toThrow();
    // edited by hand to the same size: one line a byte longer, the last line's break gone
    writeFileSync(join(dir, "fills.jsonl"), '{"n":10}\n{"n":1}\n{"n":2}');
    expect(() => checkStreamsAtCheckpoint(dir, sizes, streamParts(dir))).toThrow(EDITED);
  });

  it("after a rotation, the part that was current at the checkpoint is the one checked, not the new file", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "fills.jsonl"), lines(0, 3));
    const sizes = streamSizes(dir);
    const parts = streamParts(dir);
    // rotated since: the checkpoint's file went on to 5 lines and became part 1; a new file began
    writeFileSync(join(dir, "fills.1.jsonl"), lines(0, 5));
    writeFileSync(join(dir, "fills.jsonl"), `{"n":5,"note":"a record longer than 24 bytes"}\n`);
    expect(() => checkStreamsAtCheckpoint(dir, sizes, parts)).not.toThrow();
    // the rotated part edited before byte 24: refused, and nothing moved
    writeFileSync(join(dir, "fills.1.jsonl"), `{"n":0,"x":1}\n${lines(1, 5)}`);
    expect(() => checkStreamsAtCheckpoint(dir, sizes, parts)).toThrow(EDITED);
    expect(readdirSync(dir).sort()).toEqual(["fills.1.jsonl", "fills.jsonl"]);
  });
});

describe("set-aside directories", () => {
  it("each live resume gets its own, even within one millisecond", () => {
    const dir = tempDir();
    const first = newSetAsideDir(dir);
    mkdirSync(first, { recursive: true });
    const second = newSetAsideDir(dir);
    expect(second).not.toBe(first);
    expect(second.startsWith(join(dir, "after-checkpoint"))).toBe(true);
  });
});

describe("checkpoint pacing", () => {
  it("the first checkpoint comes 10 s of market time after the first event, not held by the wall clock", () => {
    const p = new CheckpointPacer(300_000, 10_000);
    expect(p.due(1_000_000)).toBe(false); // the first event starts the clock
    expect(p.due(1_009_999)).toBe(false);
    // a max-speed replay reaches 10 s of market in microseconds: written at once, so a run killed in
    // its first wall seconds (after minutes of market time) is resumable
    expect(p.due(1_010_000)).toBe(true);
    expect(p.due(1_200_000)).toBe(false); // then the interval
  });

  it("a checkpoint held back by the wall-time pacing stays due and comes as soon as the pacing allows", () => {
    const p = new CheckpointPacer(300_000, 10_000);
    p.due(0);
    expect(p.due(10_000)).toBe(true); // the first
    // a max-speed replay: the next interval passes within 2 s of wall time
    let t = 310_000;
    expect(p.due(t)).toBe(false); // due, held back
    const t0 = Date.now();
    let written: number | null = null;
    while (written === null && Date.now() - t0 < 5000) {
      t = 310_000 + (Date.now() - t0); // market time moves on with the wall clock
      if (p.due(t)) written = Date.now() - t0;
    }
    // written once 2 s of wall time had passed since the first (not an interval, 300 s of market, later)
    expect(written).not.toBeNull();
    expect(written!).toBeGreaterThanOrEqual(1900);
    expect(t).toBeLessThan(610_000);
    expect(p.due(t + 1)).toBe(false);
  });
});
