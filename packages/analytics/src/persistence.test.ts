import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type JsonlIssue, readJsonl } from "./jsonl-reader.js";
import { fill } from "./fixtures/fill-record.js";
import { AnalyticsLogger, stamp, type WriteTroubleEvent } from "./logger.js";
import {
  type EventRecord,
  eventSchema,
  type FillRecord,
  fillSchema,
  runManifestSchema,
  STREAM_FILES,
} from "./records.js";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "mmkit-analytics-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function readAll<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe("AnalyticsLogger + readJsonl", () => {
  it("round trip; crash mid-line → every complete record back, torn line reported", async () => {
    const dir = tmp();
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 0 });
    for (let i = 0; i < 100; i++) expect(log.write("fills", fill(i))).toBe(true);
    log.close();
    const path = join(dir, STREAM_FILES.fills);
    // crash simulation: a 101st record whose write was cut half-way (no newline)
    const line = JSON.stringify(fill(100));
    appendFileSync(path, line.slice(0, Math.floor(line.length / 2)));
    const issues: JsonlIssue[] = [];
    const reader = readJsonl(path, fillSchema, { onIssue: (i) => issues.push(i) });
    const recs = await readAll(reader);
    expect(recs).toHaveLength(100);
    expect(recs[99]).toEqual(fill(99));
    expect(reader.stats.torn).toBe(1);
    expect(reader.stats.bad).toBe(0);
    expect(issues).toEqual([expect.objectContaining({ file: path, line: 101, kind: "torn" })]);
  });

  it("a new logger appending after a torn line ends it first: the new records are whole", async () => {
    const dir = tmp();
    const path = join(dir, STREAM_FILES.fills);
    const line = JSON.stringify(fill(1));
    writeFileSync(path, `${JSON.stringify(fill(0))}\n${line.slice(0, 20)}`); // crashed mid-write
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 0 });
    expect(log.write("fills", fill(2))).toBe(true);
    log.close();
    const reader = readJsonl(path, fillSchema);
    expect(await readAll(reader)).toEqual([fill(0), fill(2)]);
    expect(reader.issues).toEqual([expect.objectContaining({ line: 2 })]);
    // a whole last line gets no extra newline
    const again = new AnalyticsLogger({ dir, flushIntervalMs: 0 });
    again.write("fills", fill(3));
    again.close();
    expect(readFileSync(path, "utf8").split("\n")).toHaveLength(5);
  });

  it("a logger never closed is flushed when the process exits (sync exit listener)", () => {
    const dir = tmp();
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 0 });
    log.write("fills", fill(0));
    const hook = process.listeners("exit").find((f) => f.name === "flushOpenLoggersAtExit");
    expect(hook).toBeDefined();
    hook?.(0);
    expect(readFileSync(join(dir, STREAM_FILES.fills), "utf8")).toBe(`${JSON.stringify(fill(0))}\n`);
    log.close();
    // written once: the hook flushed it, close() had nothing left to write
    expect(log.stats().totalWritten).toBe(1);
  });

  it("a record with a field its schema does not know is rejected and named, not written without it", () => {
    const dir = tmp();
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 0 });
    const extra = { ...fill(0), my_field: 1 } as FillRecord;
    expect(log.write("fills", extra)).toBe(false);
    expect(log.stats().streams.fills.lastError).toBe("invalid fills record: unknown field my_field");
    expect(log.write("fills", fill(2))).toBe(true);
    log.close();
    expect(log.stats().totalInvalid).toBe(1);
    expect(readFileSync(join(dir, STREAM_FILES.fills), "utf8")).toBe(`${JSON.stringify(fill(2))}\n`);
  });

  it("truncating the file mid-line (real crash) loses only the cut record", async () => {
    const dir = tmp();
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 0 });
    for (let i = 0; i < 50; i++) log.write("fills", fill(i));
    log.close();
    const path = join(dir, STREAM_FILES.fills);
    const size = readFileSync(path).length;
    truncateSync(path, size - 40); // cut inside the last line
    const reader = readJsonl(path, fillSchema);
    const recs = await readAll(reader);
    expect(recs).toHaveLength(49);
    expect(reader.issues).toEqual([expect.objectContaining({ line: 50, kind: "torn" })]);
  });

  it("corrupt and invalid lines are skipped and reported with file:line", async () => {
    const dir = tmp();
    const path = join(dir, "fills.jsonl");
    const bad = { ...fill(2), side: "up" };
    const lines = [JSON.stringify(fill(0)), "{not json", "", JSON.stringify(bad), JSON.stringify(fill(4))];
    writeFileSync(path, `${lines.join("\n")}\n`);
    const reader = readJsonl(path, fillSchema);
    const recs = await readAll(reader);
    expect(recs.map((r) => r.fill_id)).toEqual(["f0", "f4"]);
    expect(reader.issues.map((i) => [i.line, i.kind])).toEqual([
      [2, "parse"],
      [4, "schema"],
    ]);
    expect(reader.issues[1]!.message).toMatch(/side/);
    expect(reader.issues[1]!.file).toBe(path);
  });

  it("invalid records are counted and not written; write never throws", async () => {
    const dir = tmp();
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 0 });
    const ev: EventRecord = {
      ...stamp(0),
      kind: "kill_switch",
      from: "active",
      to: "halted",
      reason: "drawdown",
    };
    expect(log.write("events", ev)).toBe(true);
    expect(log.write("events", { ...ev, ts_ms: Number.NaN })).toBe(false);
    expect(log.write("fills", { ...fill(1), price: "x" } as unknown as FillRecord)).toBe(false);
    log.close();
    expect(log.write("events", ev)).toBe(false); // closed
    const st = log.stats();
    expect(st.streams.events.written).toBe(1);
    expect(st.streams.events.invalid).toBe(2);
    expect(st.streams.fills.invalid).toBe(1);
    expect(st.totalInvalid).toBe(3);
    const back = await readAll(readJsonl(join(dir, STREAM_FILES.events), eventSchema));
    expect(back).toEqual([ev]);
  });

  it("size-based rotation: parts are read back in order", async () => {
    const dir = tmp();
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 0, maxBufferBytes: 1, rotateBytes: 2000 });
    for (let i = 0; i < 60; i++) log.write("fills", fill(i));
    log.close();
    const files = readdirSync(dir).filter((f) => f.startsWith("fills"));
    expect(files.length).toBeGreaterThan(3);
    expect(files).toContain("fills.1.jsonl");
    expect(log.stats().streams.fills.rotations).toBe(files.length - 1);
    const recs = await readAll(readJsonl(join(dir, STREAM_FILES.fills), fillSchema));
    expect(recs.map((r) => r.fill_id)).toEqual(Array.from({ length: 60 }, (_, i) => `f${i}`));
  });

  it("disk failures are counted and surfaced, never thrown", () => {
    const dir = tmp();
    const notADir = join(dir, "file");
    writeFileSync(notADir, "x");
    const log = new AnalyticsLogger({ dir: join(notADir, "sub"), flushIntervalMs: 0 });
    expect(log.write("fills", fill(0))).toBe(true); // accepted into the buffer
    expect(() => log.flush()).not.toThrow();
    expect(() => log.close()).not.toThrow();
    const st = log.stats();
    expect(st.streams.fills.writeErrors).toBe(2); // the flush, and close()'s last retry
    expect(st.streams.fills.dropped).toBe(1);
    expect(st.totalWriteErrors).toBeGreaterThanOrEqual(2); // mkdir + write
    expect(st.lastError).toMatch(/fills\.jsonl/);
  });

  it("a full disk loses nothing: records are held, retried, written once there is room; no cut record", () => {
    const dir = tmp();
    const path = join(dir, STREAM_FILES.fills);
    writeFileSync(path, `${JSON.stringify(fill(0))}\n`);
    // the disk fills up: the stream file becomes /dev/full (every write fails with ENOSPC)
    renameSync(path, join(dir, "kept"));
    symlinkSync("/dev/full", path);
    const events: WriteTroubleEvent[] = [];
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 0, onWriteTrouble: (e) => events.push(e) });
    log.write("fills", fill(1));
    log.write("fills", fill(2));
    log.flush();
    expect(events).toEqual([
      { kind: "error", stream: "fills", message: expect.stringMatching(/ENOSPC/), records: 2 },
    ]);
    expect(log.unwrittenRecords()).toBe(2);
    log.write("fills", fill(3));
    log.flush(); // within the retry wait: not tried again
    expect(log.stats().streams.fills.writeErrors).toBe(1);
    // room again
    unlinkSync(path);
    renameSync(join(dir, "kept"), path);
    log.flush(true);
    expect(events[1]).toEqual({
      kind: "recovered",
      stream: "fills",
      message: "3 held record(s) written",
      records: 3,
    });
    log.close();
    expect(readFileSync(path, "utf8")).toBe([0, 1, 2, 3].map((i) => `${JSON.stringify(fill(i))}\n`).join(""));
    expect(log.stats().streams.fills.dropped).toBe(0);
    expect(log.unwrittenRecords()).toBe(0);
  });

  it("past retainBytes the held records are dropped and counted", () => {
    const dir = tmp();
    symlinkSync("/dev/full", join(dir, STREAM_FILES.fills));
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 0, retainBytes: 100 });
    log.write("fills", fill(1));
    log.flush();
    expect(log.stats().streams.fills.dropped).toBe(1);
    expect(log.unwrittenRecords()).toBe(0);
    log.close();
  });

  it("periodic flush writes without close; manifest is validated", async () => {
    const dir = tmp();
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 20 });
    log.write("fills", fill(0));
    await new Promise((r) => setTimeout(r, 80));
    expect(readFileSync(join(dir, "fills.jsonl"), "utf8").split("\n")).toHaveLength(2);
    const manifest = {
      schema_version: 1,
      run_id: "r1",
      started_ts_ms: 0,
      ended_ts_ms: null,
      seed: 42,
      source: { kind: "synthetic" },
      fill_model: "queue",
      config: { gamma: 0.1 },
      versions: { "@mmkit/analytics": "0.1.0" },
    };
    expect(log.writeManifest(manifest)).toBe(true);
    expect(runManifestSchema.parse(JSON.parse(readFileSync(join(dir, "run.json"), "utf8")))).toEqual(
      manifest,
    );
    expect(log.writeManifest({ ...manifest, seed: 1.5 })).toBe(false);
    log.close();
  });

  it("skips a UTF-8 byte-order mark at the start of a file (each part's first line)", async () => {
    const dir = tmp();
    const path = join(dir, STREAM_FILES.fills);
    writeFileSync(path, `\uFEFF${JSON.stringify(fill(0))}\n${JSON.stringify(fill(1))}\n`);
    const reader = readJsonl(path, fillSchema);
    expect(await readAll(reader)).toEqual([fill(0), fill(1)]);
    expect(reader.stats.bad).toBe(0);
  });

  it("handles lines longer than the read chunk and CRLF endings", async () => {
    const dir = tmp();
    const path = join(dir, "events.jsonl");
    const big: EventRecord = { ...stamp(1), kind: "note", reason: "x".repeat(5000) };
    writeFileSync(path, `${JSON.stringify(big)}\r\n${JSON.stringify({ ...big, reason: "short" })}\r\n`);
    const recs = await readAll(readJsonl(path, eventSchema, { chunkBytes: 1024 }));
    expect(recs.map((r) => r.reason?.length)).toEqual([5000, 5]);
  });
});

describe("AnalyticsLogger byte buffer", () => {
  it("writes exactly JSON.stringify + newline per record, across flushes, growth and multi-byte text", () => {
    const dir = tmp();
    // a tiny flush threshold (many flushes) and lines far longer than the initial buffer (growth)
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 0, maxBufferBytes: 100 });
    const want: string[] = [];
    for (let i = 0; i < 200; i++) {
      const text = i % 50 === 7 ? 'é€😀\u2028"\\'.repeat(30_000) : `ünïcödé ${i} 😀`;
      const rec: EventRecord = { ...stamp(1_000 + i), kind: "note", reason: text, details: { i, x: i / 7 } };
      expect(log.write("events", rec)).toBe(true);
      want.push(`${JSON.stringify(rec)}\n`);
    }
    log.close();
    const got = readFileSync(join(dir, STREAM_FILES.events));
    expect(got.equals(Buffer.from(want.join("")))).toBe(true);
    expect(log.stats().streams.events.bytes).toBe(got.length);
    expect(log.stats().streams.events.written).toBe(200);
  });

  it("a large maxBufferBytes keeps records buffered until flush, then writes them all", () => {
    const dir = tmp();
    const log = new AnalyticsLogger({ dir, flushIntervalMs: 0, maxBufferBytes: 64 * 1024 * 1024 });
    for (let i = 0; i < 5_000; i++) log.write("fills", fill(i));
    expect(log.stats().streams.fills.buffered).toBe(5_000);
    log.flush();
    const lines = readFileSync(join(dir, STREAM_FILES.fills), "utf8").trimEnd().split("\n");
    expect(lines.length).toBe(5_000);
    expect(JSON.parse(lines[4_999]!)).toEqual(fill(4_999));
    log.close();
  });
});

describe("AnalyticsLogger options", () => {
  it.each([
    [{}, "got undefined"],
    [{ dir: "" }, 'got ""'],
    [{ dir: 42 }, "got 42"],
  ])("rejects %j up front (it was accepted and every write then failed)", (options, got) => {
    expect(() => new AnalyticsLogger(options as unknown as { dir: string })).toThrow(
      `AnalyticsLogger: options.dir must be a non-empty directory path, ${got}`,
    );
  });
});
