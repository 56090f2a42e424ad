/** A directory of recording parts replays as one input: the same events as one file, in one reorder window. */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { constants as zc, createGzip, gunzipSync, gzipSync } from "node:zlib";
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { Recorder } from "./recorder.js";
import { openReplay } from "./replay.js";
import type { FeedLogger } from "./types.js";

const BINANCE = fileURLToPath(
  new URL("../../../../data/samples/binance-usdm-btcusdt-20240808-120s.gz", import.meta.url),
);
const tmp = (): string => mkdtempSync(join(tmpdir(), "mmkit-parts-"));

/** The sample's events recorded into `dir` by a recorder rotating every `rotateBytes`; returns its files. */
async function record(dir: string, events: MarketEvent[], rotateBytes: number, source = "binance:BTCUSDT") {
  const rec = new Recorder({ dir, source, rotateBytes });
  for (const e of events) await rec.write(e);
  await rec.close();
  return rec.files();
}

async function streamed(path: string): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const e of openReplay(path)) out.push(e);
  return out;
}

/** `text` gzipped by zlib's stream, flushed with Z_SYNC_FLUSH, and the bytes before `end()`: a recorder killed after a flush. */
async function gzipCutAtFlush(text: string): Promise<Buffer> {
  const gz = createGzip();
  const chunks: Buffer[] = [];
  gz.on("data", (c: Buffer) => chunks.push(c));
  gz.write(text);
  await new Promise<void>((resolve) => gz.flush(zc.Z_SYNC_FLUSH, () => resolve()));
  const cut = Buffer.concat(chunks);
  gz.destroy();
  return cut;
}

const sampleEvents = (): MarketEvent[] => [...openReplay(BINANCE, { clock: "local" }).events()];

describe("openReplay of a directory (a rotated recording)", () => {
  it("replays every part in name order as one input: the same events as one file, streamed or not", async () => {
    // Local-clock order recorded, exchange-clock replay: the reorder window has work across part ends.
    const events = sampleEvents();
    const parts = tmp();
    const files = await record(parts, events, 1_000_000);
    expect(files.length).toBeGreaterThan(3);
    mkdirSync(join(parts, "lead")); // a subdirectory (the lead's recording) is not entered
    writeFileSync(join(parts, ".paper-trader.lock"), "1"); // hidden files are ignored
    symlinkSync(join(parts, "gone"), join(parts, "zz-dangling-link")); // so is a dangling link
    const one = join(tmp(), "one");
    const single = await record(one, events, 1e12);
    expect(single).toHaveLength(1);
    const whole = [...openReplay(single[0]!).events()];
    const feed = openReplay(parts);
    expect(feed.files).toEqual(files);
    expect(feed.format).toBe("recording");
    expect(feed.recordingSource).toBe("binance:BTCUSDT");
    expect(feed.name).toBe(`replay:${parts}`);
    expect([...feed.events()]).toEqual(whole);
    const counted = Object.values(feed.stats().events).reduce((a, b) => a + b, 0);
    expect(counted).toBe(whole.length);
    expect(await streamed(parts)).toEqual(whole);
    expect(whole).toHaveLength(events.length);
  });

  it("skips a part with nothing in it (recorder killed as it opened it) with a warning; refuses mixed sources", async () => {
    const events = sampleEvents().slice(0, 3000);
    const dir = tmp();
    const files = await record(dir, events, 150_000);
    writeFileSync(join(dir, "binance_BTCUSDT-20990101T000000Z-0000.jsonl.gz"), gzipSync(""));
    const warnings: string[] = [];
    const logger: FeedLogger = { warn: (_o, msg) => warnings.push(msg), info: () => {} };
    expect([...openReplay(dir, { logger }).events()]).toHaveLength(3000);
    expect(warnings.join("\n")).toMatch(/1 part\(s\) of .* hold nothing to replay .*skipped/);
    await record(dir, events.slice(0, 10), 1e12, "hyperliquid:ETH");
    expect(() => openReplay(dir)).toThrow(
      /of hyperliquid:ETH, .* a recording of binance:BTCUSDT: a directory replays the parts of one recording/,
    );
    expect(() => openReplay(tmp())).toThrow(/the directory holds no files to replay/);
    expect(files.length).toBeGreaterThan(1);
  });

  it("a part cut mid-line before the last is counted (truncatedParts) and the replay goes on", async () => {
    const events = sampleEvents().slice(0, 3000);
    const dir = tmp();
    const files = await record(dir, events, 150_000);
    expect(files.length).toBeGreaterThan(2);
    // Replace the first part by a plain copy cut mid-line (its recorder killed mid-write).
    const text = gunzipSync(readFileSync(files[0]!)).toString("utf8");
    const cut = text.slice(0, text.lastIndexOf("\n", text.length - 2) + 20);
    writeFileSync(files[0]!, cut);
    const feed = openReplay(dir);
    const got = [...feed.events()];
    expect(got).toHaveLength(2999);
    expect(feed.stats().extra["truncatedParts"]).toBe(1);
    expect(feed.stats().extra["truncatedLastLine"]).toBeUndefined();
    expect(feed.badLines[0]!.where).toBe(`${files[0]}:${cut.split("\n").length}`);
  });

  it("a gzip part cut at a flush boundary (whole lines, no trailer) is counted (truncatedParts), streamed or not", async () => {
    const events = sampleEvents().slice(0, 3000);
    const dir = tmp();
    const files = await record(dir, events, 150_000);
    expect(files.length).toBeGreaterThan(2);
    const text = gunzipSync(readFileSync(files[0]!)).toString("utf8");
    const cut = await gzipCutAtFlush(text);
    expect(() => gunzipSync(cut)).toThrow(/unexpected end of file/); // what `gzip -t` says of it
    writeFileSync(files[0]!, cut);
    const warnings: string[] = [];
    const logger: FeedLogger = { warn: (_o, msg) => warnings.push(msg), info: () => {} };
    const feed = openReplay(dir, { logger });
    expect([...feed.events()]).toHaveLength(3000);
    expect(feed.stats().extra["truncatedParts"]).toBe(1);
    expect(feed.stats().extra["truncatedGzip"]).toBeUndefined();
    expect(feed.stats().invalidMessages).toBe(0);
    expect(warnings.join("\n")).toMatch(
      /ends without its gzip trailer after line \d+ .*goes on with the next part/,
    );
    const live = openReplay(dir, { logger });
    let n = 0;
    for await (const _ of live) n++;
    expect(n).toBe(3000);
    expect(live.stats().extra["truncatedParts"]).toBe(1);
  });

  it("the last file cut at a flush boundary is flagged truncatedGzip (not truncatedLastLine); a whole file is not", async () => {
    const events = sampleEvents().slice(0, 3000);
    const [file] = await record(tmp(), events, 1e12);
    const text = gunzipSync(readFileSync(file!)).toString("utf8");
    const cutPath = join(tmp(), "cut.jsonl.gz");
    writeFileSync(cutPath, await gzipCutAtFlush(text));
    for (const feed of [openReplay(cutPath), openReplay(file!)]) {
      expect([...feed.events()]).toHaveLength(3000);
      expect(feed.stats().extra["truncatedGzip"]).toBe(feed.files[0] === cutPath ? 1 : undefined);
      expect(feed.stats().extra["truncatedLastLine"]).toBeUndefined();
    }
    const live = openReplay(cutPath);
    for await (const _ of live) {
      /* drain */
    }
    expect(live.stats().extra["truncatedGzip"]).toBe(1);
  });
});
