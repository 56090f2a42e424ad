/** The replay's bad-line bookkeeping: what is a line, how many are kept, and whose file a bad line belongs to. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { constants as zc, createGzip } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { encodeRecordedEvent, encodeRecordingHeader } from "./recording.js";
import { openReplay } from "./replay.js";

const SRC = "test:X";
const header = encodeRecordingHeader(SRC, 0);
const ev = (ts: number): string => {
  const e: MarketEvent = {
    type: "trade",
    exchangeTsMs: ts,
    localTsMs: ts,
    trade: { price: 10, size: 1, aggressor: "sell", exchangeTsMs: ts, localTsMs: ts },
  };
  return encodeRecordedEvent(e, SRC);
};
const tmp = (): string => mkdtempSync(join(tmpdir(), "mmkit-badlines-"));

describe("replay bad lines", () => {
  it("a line of blanks is no message and no bad line", () => {
    const path = join(tmp(), "r.jsonl");
    writeFileSync(path, `${[header, ev(1), "   \t", ev(2)].join("\n")}\n`);
    const feed = openReplay(path);
    expect([...feed.events()]).toHaveLength(2);
    expect(feed.stats().messages).toBe(3); // the header and two events
    expect(feed.stats().invalidMessages).toBe(0);
  });

  it("keeps exactly maxBadLinesKept bad lines and counts them all", () => {
    const path = join(tmp(), "r.jsonl");
    writeFileSync(path, `${[header, "x1", ev(1), "x2", "x3"].join("\n")}\n`);
    const feed = openReplay(path, { maxBadLinesKept: 2 });
    [...feed.events()];
    expect(feed.stats().invalidMessages).toBe(3);
    expect(feed.badLines.map((b) => b.where)).toEqual([`${path}:2`, `${path}:4`]);
  });

  it("a bad last line of one part does not make the next part look cut at the same line number", () => {
    // Part 0: its line 4 is bad (a whole line). Part 1: 4 good lines, the last without a newline.
    const dir = tmp();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "p-0000.jsonl"), `${[header, ev(1), ev(2), "garbage"].join("\n")}\n`);
    writeFileSync(join(dir, "p-0001.jsonl"), [header, ev(3), ev(4), ev(5)].join("\n"));
    const feed = openReplay(dir);
    expect([...feed.events()]).toHaveLength(5);
    expect(feed.stats().invalidMessages).toBe(1);
    expect(feed.stats().extra["truncatedLastLine"]).toBeUndefined();
    expect(feed.stats().extra["truncatedParts"]).toBeUndefined();
  });
});

describe("replay of a gzip with corrupt data", () => {
  it("says after which whole line the data broke off: a cut last line is not counted", async () => {
    // A gzip stream flushed after 4 whole lines and the start of a 5th, then a deflate block of the
    // reserved type 3 (byte 0x07: BFINAL=1, BTYPE=11): inflate gives the 4 lines and the cut start,
    // then fails with Z_DATA_ERROR.
    const gz = createGzip();
    const chunks: Buffer[] = [];
    gz.on("data", (c: Buffer) => chunks.push(c));
    gz.write(`${[header, ev(1), ev(2), ev(3)].join("\n")}\n${ev(4).slice(0, 20)}`);
    await new Promise<void>((resolve) => gz.flush(zc.Z_SYNC_FLUSH, () => resolve()));
    gz.destroy();
    const path = join(tmp(), "r.jsonl.gz");
    writeFileSync(path, Buffer.concat([...chunks, Buffer.from([0x07])]));
    const feed = openReplay(path);
    expect([...feed.events()]).toHaveLength(3);
    expect(feed.stats().extra["corruptGzipData"]).toBe(1);
    expect(feed.stats().extra["corruptGzipAfterLine"]).toBe(4);
    expect(feed.stats().extra["corruptGzipFirstBadLine"]).toBe(5); // the cut start of line 5
  });
});
