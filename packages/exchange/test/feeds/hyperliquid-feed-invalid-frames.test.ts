import { describe, expect, it } from "vitest";
import { waitFor } from "./fixtures.js";
import { feed, logger, makeFeed, server, useFakeHyperliquid } from "./hl-feed-harness.js";

useFakeHyperliquid();

describe("HyperliquidFeed against a local venue replaying real frames", () => {
  it("malformed JSON and schema-invalid messages are counted and logged, never fatal", async () => {
    const c = makeFeed();
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    const bad = JSON.parse(server.last.booksSent[0]!) as { data: { levels: { px: string }[][] } };
    bad.data.levels[0]![0]!.px = "not-a-price";
    server.broadcastRaw("{this is not json");
    server.broadcastRaw(JSON.stringify(bad));
    server.broadcastRaw(
      JSON.stringify({ channel: "trades", data: [{ coin: "BTC", side: "X", px: "1", sz: "1", time: 1 }] }),
    );
    server.broadcastRaw(JSON.stringify({ nochannel: true }));
    // a print at price 0 (real venues send them): an invalid frame, never a trade event
    server.broadcastRaw(
      JSON.stringify({ channel: "trades", data: [{ coin: "BTC", side: "B", px: "0", sz: "1", time: 1 }] }),
    );
    const before = c.events.filter((e) => e.type === "snapshot").length;
    await waitFor(() => feed.stats().invalidMessages === 5, 2000, "5 invalid counted");
    await waitFor(
      () => c.events.filter((e) => e.type === "snapshot").length > before + 2,
      2000,
      "stream continues",
    );
    // Rate-limited: the first is logged with its reason, the other four only counted…
    expect(logger.warnings.filter((w) => w.startsWith("invalid message dropped"))).toHaveLength(1);
    expect(logger.warnings.find((w) => w.startsWith("invalid message dropped"))).toContain("malformed JSON");
    expect(c.book.isCrossed()).toBe(false);
    expect(
      c.events.every((e) => e.type !== "snapshot" || e.bids.every((l) => Number.isFinite(l.price))),
    ).toBe(true);
    expect(c.events.every((e) => e.type !== "trade" || e.trade.price > 0)).toBe(true);
    expect(feed.stats().reconnects).toBe(0);
    // …and summarized on close.
    await feed.close();
    const summary = logger.warnings.filter((w) =>
      w.startsWith("invalid messages dropped (not logged one by one)"),
    );
    expect(summary).toHaveLength(1);
    expect(summary[0]).toContain('"suppressed":4');
    expect(summary[0]).toContain('"total":5');
  });

  it("a venue sending garbage continuously: every frame counted, one warning per 30 s with the suppressed count", async () => {
    let skewMs = 0; // the feed's clock; jumping it stands in for 30 s passing
    const c = makeFeed({ nowMs: () => Date.now() + skewMs });
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    for (let i = 0; i < 50; i++) server.broadcastRaw(`{garbage ${i}`);
    await waitFor(() => feed.stats().invalidMessages === 50, 2000, "50 invalid counted");
    const invalidWarnings = () => logger.warnings.filter((w) => w.startsWith("invalid message dropped"));
    expect(invalidWarnings()).toHaveLength(1);
    expect(invalidWarnings()[0]).toContain("garbage 0");
    skewMs = 29_000;
    server.broadcastRaw("{garbage 50");
    await waitFor(() => feed.stats().invalidMessages === 51, 2000, "51 invalid counted");
    expect(invalidWarnings()).toHaveLength(1);
    skewMs = 31_000;
    server.broadcastRaw("{garbage 51");
    await waitFor(() => feed.stats().invalidMessages === 52, 2000, "52 invalid counted");
    expect(invalidWarnings()).toHaveLength(2);
    expect(invalidWarnings()[1]).toContain("garbage 51");
    expect(invalidWarnings()[1]).toContain('"suppressed":50');
    expect(invalidWarnings()[1]).toContain('"total":52');
  });

  it("venue error frames are counted as venueErrors and logged as `venue error: <data>`, rate-limited", async () => {
    let skewMs = 0;
    const c = makeFeed({ nowMs: () => Date.now() + skewMs });
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    const ignoredBefore = feed.stats().ignoredMessages;
    const err = 'Invalid subscription {"type":"l2Book","coin":"NOPE"}';
    for (let i = 0; i < 5; i++) server.broadcastRaw(JSON.stringify({ channel: "error", data: err }));
    await waitFor(() => feed.stats().extra["venueErrors"] === 5, 2000, "5 venue errors counted");
    expect(feed.stats().ignoredMessages).toBe(ignoredBefore);
    const venueWarnings = () => logger.warnings.filter((w) => w.startsWith("venue error: "));
    expect(venueWarnings()).toEqual([`venue error: ${err} {"feed":"hyperliquid:BTC"}`]);
    skewMs = 31_000;
    server.broadcastRaw(JSON.stringify({ channel: "error", data: "Websocket rate limited" }));
    await waitFor(() => feed.stats().extra["venueErrors"] === 6, 2000, "6 venue errors counted");
    expect(venueWarnings()).toHaveLength(2);
    expect(venueWarnings()[1]).toContain("venue error: Websocket rate limited");
    expect(venueWarnings()[1]).toContain('"suppressed":4');
    // Invalid frames have their own limiter: not silenced by the venue errors.
    server.broadcastRaw("{bad");
    await waitFor(() => feed.stats().invalidMessages === 1, 2000, "invalid counted");
    expect(logger.warnings.filter((w) => w.startsWith("invalid message dropped"))).toHaveLength(1);
  });

  it("a bad print in a trades frame is dropped and counted; the frame's other prints reach the consumer", async () => {
    const c = makeFeed();
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    const bookTime = (JSON.parse(server.last.booksSent.at(-1)!) as { data: { time: number } }).data.time;
    const print = (tid: number, px: string, side: "B" | "A") => ({
      coin: "BTC",
      side,
      px,
      sz: "0.01",
      time: bookTime,
      tid,
      hash: `0x${tid.toString(16)}`,
    });
    const frame = {
      channel: "trades",
      data: [print(9001, "105050.0", "A"), print(9002, "0", "B"), print(9003, "105051.0", "B")],
    };
    server.broadcastRaw(JSON.stringify(frame));
    await waitFor(() => feed.stats().extra["badPrintsDropped"] === 1, 2000, "1 bad print counted");
    await waitFor(
      () => c.events.filter((e) => e.type === "trade" && e.trade.id === "9003").length === 1,
      2000,
      "the frame's last print",
    );
    const ours = c.events.flatMap((e) =>
      e.type === "trade" && ["9001", "9002", "9003"].includes(e.trade.id ?? "")
        ? [[e.trade.id, e.trade.price, e.trade.aggressor]]
        : [],
    );
    expect(ours).toEqual([
      ["9001", 105050, "sell"],
      ["9003", 105051, "buy"],
    ]);
    expect(feed.stats().invalidMessages).toBe(0);
    const warned = logger.warnings.filter((w) => w.startsWith("bad print(s) dropped"));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain('1.px: trade price must be finite and > 0, got \\"0\\"');
  });
});
