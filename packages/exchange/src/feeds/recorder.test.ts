import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gunzipSync, constants as zc } from "node:zlib";
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { AsyncQueue } from "./async-queue.js";
import { isGzip, openReplay } from "./replay.js";
import { recordFeed } from "./record-feed.js";
import { Recorder } from "./recorder.js";
import { SyntheticMarket } from "./synthetic.js";
import { emptyFeedStats, type MarketDataFeed } from "./types.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "mmkit-rec-"));

function replayAll(files: string[]): MarketEvent[] {
  return files.flatMap((f) => [...openReplay(f, { clock: "local", reorderWindowMs: 0 }).events()]);
}

describe("Recorder", () => {
  it("round-trips a feed through gzip files rotated by size, with a schema header per file", async () => {
    const market = new SyntheticMarket({ seed: 5, durationSec: 30 });
    const expected = [...market.events()];
    const dir = tmp();
    const rec = new Recorder({ dir, source: market.name, rotateBytes: 60_000 });
    for (const e of expected) await rec.write(e);
    await rec.close();
    const files = rec.files();
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      const raw = readFileSync(f);
      expect(isGzip(raw)).toBe(true);
      const first = JSON.parse(gunzipSync(raw).toString("utf8").split("\n")[0]!);
      expect(first).toMatchObject({ schema: "mmkit.marketdata", version: 1, source: "synthetic:5" });
    }
    expect(openReplay(files[0]!).format).toBe("recording");
    expect(replayAll(files)).toEqual(expected);
    expect(rec.eventsWritten).toBe(expected.length);
  });

  it("two recorders on one directory in the same second (a second process, a quick restart) never truncate each other's parts", async () => {
    const events = [...new SyntheticMarket({ seed: 2, durationSec: 5 }).events()];
    const dir = tmp();
    const t0 = Date.UTC(2025, 0, 1);
    const a = new Recorder({ dir, source: "hl:BTC", nowMs: () => t0 });
    const b = new Recorder({ dir, source: "hl:BTC", nowMs: () => t0 });
    const half = Math.floor(events.length / 2);
    for (const e of events.slice(0, half)) await a.write(e);
    for (const e of events.slice(half)) await b.write(e);
    await Promise.all([a.close(), b.close()]);
    expect(a.files()).toHaveLength(1);
    expect(b.files()).toHaveLength(1);
    expect(b.files()[0]).not.toBe(a.files()[0]); // the next free part number
    expect(replayAll(a.files())).toEqual(events.slice(0, half));
    expect(replayAll(b.files())).toEqual(events.slice(half));
  });

  it("a recording file removed under the recorder (its directory deleted) is an error at the next flush tick, not silent loss", async () => {
    for (const gzip of [true, false]) {
      const events = [...new SyntheticMarket({ seed: 3, durationSec: 5 }).events()];
      const dir = join(tmp(), "rec");
      const rec = new Recorder({ dir, source: "hl:BTC", gzip, flushMs: 20 });
      await rec.write(events[0]!);
      await new Promise((r) => setTimeout(r, 100)); // the file is open and written to
      rmSync(dir, { recursive: true, force: true });
      const t = Date.now();
      let err: unknown = null;
      while (err === null && Date.now() - t < 10_000) {
        await new Promise((r) => setTimeout(r, 25));
        await rec.write(events[1]!).catch((e: unknown) => {
          err = e;
        });
      }
      expect(String(err), `gzip=${gzip}`).toMatch(
        /Recorder: .*rec\/.*: the file was removed or replaced while recording/,
      );
      await expect(rec.close()).rejects.toThrow(/removed or replaced/);
    }
  });

  it("writes that are not awaited land once each, in call order, across rotations, with one drain listener", async () => {
    const market = new SyntheticMarket({ seed: 6, durationSec: 120 });
    const expected = [...market.events()];
    const dir = tmp();
    const rec = new Recorder({ dir, source: market.name, rotateBytes: 150_000 });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on("warning", onWarning);
    try {
      const pending = expected.map((e) => rec.write(e)); // e.g. from a socket callback
      await Promise.all(pending);
      await rec.close();
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(rec.files().length).toBeGreaterThan(2);
    expect(replayAll(rec.files())).toEqual(expected);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });

  it("rotates by time on its clock and writes plain JSONL when gzip is off", async () => {
    let now = 1_000_000;
    const dir = tmp();
    const rec = new Recorder({ dir, source: "test", gzip: false, rotateMs: 1000, nowMs: () => now });
    const events = [...new SyntheticMarket({ seed: 2, durationSec: 5 }).events()].slice(0, 30);
    for (let i = 0; i < events.length; i++) {
      now += 100; // 30 events × 100 ms = 3 s → 3 or 4 files at 1 s per file
      await rec.write(events[i]!);
    }
    await rec.close();
    expect(rec.files().length).toBe(3);
    expect(rec.files().every((f) => f.endsWith(".jsonl"))).toBe(true);
    expect(replayAll(rec.files())).toEqual(events);
  });

  it("tees a live iteration: consumers see every event and close() flushes the file", async () => {
    const market = new SyntheticMarket({ seed: 9, durationSec: 10 });
    const dir = tmp();
    const rec = new Recorder({ dir, source: market.name });
    const teed = recordFeed(market, rec);
    const seen: MarketEvent[] = [];
    for await (const e of teed) seen.push(e);
    await teed.close();
    expect(seen).toEqual([...market.events()]);
    expect(replayAll(rec.files())).toEqual(seen);
    await expect(rec.write(seen[0]!)).rejects.toThrow(/after close/);
  });
});

describe("recordFeed close() while the consumer still has buffered events", () => {
  /** A live-like feed: events already received and queued, `close()` ends the queue (the consumer drains it). */
  function queuedFeed(events: MarketEvent[]): MarketDataFeed {
    const q = new AsyncQueue<MarketEvent>();
    for (const e of events) q.push(e);
    return {
      name: "queued",
      stats: emptyFeedStats,
      close: async () => q.end(),
      [Symbol.asyncIterator]: () => q[Symbol.asyncIterator](),
    };
  }
  const events = [...new SyntheticMarket({ seed: 4, durationSec: 60 }).events()].slice(0, 500);

  it("from outside the loop (a SIGINT handler), with a slow consumer: no throw, every event seen and recorded", async () => {
    const rec = new Recorder({ dir: tmp(), source: "queued" });
    const teed = recordFeed(queuedFeed(events), rec);
    const seen: MarketEvent[] = [];
    let release: () => void = () => {};
    const tenSeen = new Promise<void>((r) => {
      release = r;
    });
    const loop = (async () => {
      for await (const e of teed) {
        seen.push(e);
        if (seen.length === 10) release();
        await new Promise((r) => setImmediate(r)); // slower than the feed
      }
    })();
    await tenSeen;
    await teed.close();
    // close() resolved: the recording is complete although the consumer is still behind
    expect(seen.length).toBeLessThan(events.length);
    expect(replayAll(rec.files())).toEqual(events);
    await loop; // ends normally
    expect(seen).toEqual(events);
  });

  it("from inside the loop: close() does not wait on the consumer (no deadlock) and the loop drains the rest", async () => {
    const rec = new Recorder({ dir: tmp(), source: "queued" });
    const teed = recordFeed(queuedFeed(events), rec);
    const seen: MarketEvent[] = [];
    for await (const e of teed) {
      seen.push(e);
      if (seen.length === 10) {
        await teed.close();
        expect(replayAll(rec.files())).toEqual(events);
      }
    }
    expect(seen).toEqual(events);
    await teed.close(); // idempotent
  });
});

describe("Recorder options", () => {
  it.each([
    [undefined, "Recorder: options {dir, source} are required, got undefined"],
    [{}, "Recorder: dir must be a non-empty string, got undefined"], // was a TypeError on source.replace
    [{ dir: "x" }, "Recorder: source must be a non-empty string, got undefined"],
    [{ dir: "", source: "hl" }, 'Recorder: dir must be a non-empty string, got ""'],
    [{ dir: "x", source: "hl", prefix: 5 }, "Recorder: prefix must be a non-empty string, got 5"],
  ])("rejects %j with a clear Error", (options, message) => {
    expect(() => new Recorder(options as unknown as ConstructorParameters<typeof Recorder>[0])).toThrow(
      new Error(message),
    );
  });
});

describe("recordFeed with onError: a failing recorder never reaches the consumer", () => {
  it("the directory gone mid-recording (ENOTDIR): every event still seen, the error reported once, close() resolves", async () => {
    const market = new SyntheticMarket({ seed: 3, durationSec: 60 });
    const expected = [...market.events()];
    const dir = join(tmp(), "rec");
    const rec = new Recorder({ dir, source: market.name, rotateBytes: 50_000 });
    const errors: Error[] = [];
    const teed = recordFeed(market, rec, { onError: (e) => errors.push(e) });
    const seen: MarketEvent[] = [];
    let moved = "";
    for await (const e of teed) {
      seen.push(e);
      if (moved === "" && rec.files().length === 2) {
        // The disk goes away under the recorder: the next part cannot be opened.
        moved = `${dir}.moved`;
        renameSync(dir, moved);
        writeFileSync(dir, "not a directory");
      }
    }
    await expect(teed.close()).resolves.toBeUndefined();
    expect(seen).toEqual(expected);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^Recorder: .*rec\/.*ENOTDIR/);
    // the part finished before the failure replays completely
    const first = join(moved, basename(rec.files()[0]!));
    expect([...openReplay(first).events()].length).toBeGreaterThan(0);
  });
});

describe("Recorder rotation boundaries", () => {
  const events = (): MarketEvent[] =>
    [...new SyntheticMarket({ seed: 3, durationSec: 5 }).events()].slice(0, 3);

  it("a file that reached rotateBytes exactly (in bytes, not characters) is rotated out before the next event", async () => {
    // The size of a part holding the header and the first event, measured on disk; the source has
    // characters of 2 and 3 bytes in UTF-8, written in the header and on every line.
    const source = "test:µ→";
    const one = new Recorder({ dir: tmp(), source, gzip: false, nowMs: () => 0 });
    await one.write(events()[0]!);
    await one.close();
    const size = statSync(one.files()[0]!).size;
    const rec = new Recorder({ dir: tmp(), source, gzip: false, nowMs: () => 0, rotateBytes: size });
    for (const e of events().slice(0, 2)) await rec.write(e);
    await rec.close();
    expect(rec.files()).toHaveLength(2);
    expect(statSync(rec.files()[0]!).size).toBe(size);
  });

  it("a file open for exactly rotateMs is rotated out, and each part's header carries its part number", async () => {
    let now = 5000;
    const rec = new Recorder({ dir: tmp(), source: "test", gzip: false, rotateMs: 1000, nowMs: () => now });
    for (const e of events()) {
      await rec.write(e);
      now += 1000;
    }
    await rec.close();
    const parts = rec.files().map((f) => JSON.parse(readFileSync(f, "utf8").split("\n")[0]!).part);
    expect(parts).toEqual([0, 1, 2]);
  });
});

describe("Recorder header on disk", () => {
  it("a gzip part holds its header on disk as soon as it is opened, with no flush timer and no close", async () => {
    const rec = new Recorder({ dir: tmp(), source: "test:hdr", flushMs: 0 });
    await rec.write([...new SyntheticMarket({ seed: 3, durationSec: 1 }).events()][0]!);
    const path = rec.files()[0]!;
    const readable = (): string => {
      try {
        return gunzipSync(readFileSync(path), { finishFlush: zc.Z_SYNC_FLUSH }).toString("utf8");
      } catch {
        return "";
      }
    };
    for (let i = 0; i < 100 && !readable().includes("\n"); i++) await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse(readable().split("\n")[0]!)).toMatchObject({
      schema: "mmkit.marketdata",
      source: "test:hdr",
      part: 0,
    });
    await rec.close();
  });
});

describe("Recorder: a part that cannot be created", () => {
  it("the write rejects naming the file, and close() rejects with that error too (no file was opened)", async () => {
    const dir = join(tmp(), "rec");
    const rec = new Recorder({ dir, source: "test", gzip: false });
    rmSync(dir, { recursive: true });
    writeFileSync(dir, "not a directory"); // the directory replaced by a file before the first part
    const e = [...new SyntheticMarket({ seed: 3, durationSec: 1 }).events()][0]!;
    await expect(rec.write(e)).rejects.toThrow(/^Recorder: .*rec\/test-.*ENOTDIR/);
    await expect(rec.close()).rejects.toThrow(/^Recorder: .*rec\/test-.*ENOTDIR/);
  });
  it("a write that waits for the stream rejects with the file's error (a 1000-level snapshot into an EISDIR part)", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "test-19700101T000000Z-0000.jsonl")); // a directory at the part's name
    const rec = new Recorder({ dir, source: "test", gzip: false, nowMs: () => 0 });
    const levels = Array.from({ length: 1000 }, (_, i) => ({ price: 60_000 + i / 10, size: 1.234 }));
    const big: MarketEvent = { type: "snapshot", exchangeTsMs: 1, localTsMs: 1, bids: levels, asks: levels };
    await expect(rec.write(big)).rejects.toThrow(/^Recorder: .*test-19700101T000000Z-0000\.jsonl: EISDIR/);
    await expect(rec.close()).rejects.toThrow(/EISDIR/);
  });
});
