import type { MarketEvent } from "@mmkit/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FeedHealthLog } from "../../src/feeds/health-log.js";
import { HyperliquidFeed } from "../../src/feeds/hyperliquid-feed.js";
import type { FeedLogger } from "../../src/feeds/types.js";
import { waitFor } from "./fixtures.js";
import { FakeHyperliquid } from "./hl-server.js";

/** Every line by level, as text. */
class LevelLogger implements FeedLogger {
  readonly warnings: { msg: string; obj: Record<string, unknown> }[] = [];
  readonly infos: { msg: string; obj: Record<string, unknown> }[] = [];
  warn(obj: Record<string, unknown>, msg: string): void {
    this.warnings.push({ msg, obj });
  }
  info(obj: Record<string, unknown>, msg: string): void {
    this.infos.push({ msg, obj });
  }
}

const BACKOFF = { initialMs: 50, maxMs: 800, factor: 2, jitterFrac: 0.5 };
const UP_MS = 100;

let server: FakeHyperliquid;
let feed: HyperliquidFeed | null = null;
/** Wall time of every connection the venue accepted. */
let accepted: number[];
/** How long the venue keeps connection number i (0-based) open before terminating it. */
let upMs: (i: number) => number;

beforeEach(async () => {
  server = await FakeHyperliquid.start(20);
  accepted = [];
  upMs = () => UP_MS;
  // A real `ws` server that streams recorded frames, then drops each connection shortly after it opened.
  server.wss.on("connection", (ws) => {
    const i = accepted.length;
    accepted.push(Date.now());
    setTimeout(() => ws.terminate(), upMs(i));
  });
});

afterEach(async () => {
  await feed?.close();
  feed = null;
  await server.stop();
});

/** A feed whose health events go through a `FeedHealthLog` (as the paper trader logs them). */
function flappingFeed(healthLogger: FeedLogger): {
  events: MarketEvent[];
  health: FeedHealthLog;
  done: Promise<void>;
} {
  const f = new HyperliquidFeed({
    coin: "BTC",
    url: server.url,
    backoff: BACKOFF,
    seed: 5,
    pingIntervalMs: 1000,
    connectTimeoutMs: 1000,
    staleReconnectAfterMs: 0,
  });
  feed = f;
  const health = new FeedHealthLog(healthLogger, "[FEED]");
  const events: MarketEvent[] = [];
  const done = (async () => {
    for await (const e of f) {
      events.push(e);
      if (e.type === "health") health.note(e);
    }
  })();
  return { events, health, done };
}

describe("a venue that drops every connection shortly after it opens", () => {
  it("reconnects with a growing backoff (a short-lived connection does not reset it), logs a few lines, counts exactly", async () => {
    const log = new LevelLogger();
    const { events, health, done } = flappingFeed(log);
    await new Promise((r) => setTimeout(r, 3000));
    const connects = accepted.length;
    await feed!.close();
    await done;
    health.flush();
    // Without backoff growth: ≤ UP_MS + 50 ms per connection, 20 or more in 3 s. With it (delays ≥ 25,
    // 50, 100, 200, 400, 400… ms after 100 ms up): at most 10.
    expect(connects).toBeGreaterThanOrEqual(4);
    expect(connects).toBeLessThanOrEqual(10);
    const gaps = accepted.slice(1).map((t, i) => t - accepted[i]!);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(UP_MS + 350);
    expect(gaps[gaps.length - 1]!).toBeGreaterThan(gaps[0]! + 200);

    // Counters stay exact: every open after the first is a reconnect, every close a disconnect.
    const stats = feed!.stats();
    const connected = events.filter((e) => e.type === "health" && e.status === "connected").length;
    const disconnected = events.filter((e) => e.type === "health" && e.status === "disconnected").length;
    expect(stats.reconnects).toBe(connected - 1);
    expect(stats.reconnects).toBeGreaterThanOrEqual(connects - 2);
    expect(stats.reconnects).toBeLessThanOrEqual(connects - 1);
    expect(disconnected).toBeGreaterThanOrEqual(stats.reconnects);

    // Log lines: the first disconnect at warn, the rest counted in one closing summary each.
    const drops = log.warnings.filter((l) => l.msg.startsWith("[FEED] disconnected"));
    expect(drops).toHaveLength(1);
    expect(log.warnings.some((l) => l.msg.startsWith("[FEED] connected"))).toBe(false);
    const dropSummary = log.warnings.find((l) => l.msg === "[FEED] disconnects (not logged one by one)");
    expect(dropSummary?.obj["total"]).toBe(disconnected);
    const reconnectLines = log.infos.filter((l) => l.msg === "[FEED] connected: reconnected");
    expect(reconnectLines).toHaveLength(1);
    const reconnectSummary = log.infos.find(
      (l) => l.msg === "[FEED] quick reconnects (not logged one by one)",
    );
    expect(reconnectSummary?.obj["total"]).toBe(stats.reconnects);
    expect(log.warnings.length + log.infos.length).toBeLessThanOrEqual(8);
  }, 15_000);

  it("a connection that delivered data for the backoff cap resets the backoff: the next reconnect is quick", async () => {
    upMs = (i) => (i === 4 ? BACKOFF.maxMs + 300 : UP_MS);
    const { done } = flappingFeed(new LevelLogger());
    await waitFor(() => accepted.length >= 6, 10_000, "six connections");
    await feed!.close();
    await done;
    const closeOf = (i: number): number => accepted[i]! + upMs(i);
    // After four short-lived connections the delay has grown (retry 3: base 400 ms, ≥ 200 ms)…
    expect(accepted[4]! - closeOf(3)).toBeGreaterThanOrEqual(190);
    // …and after one that stayed healthy for the cap it starts over (retry 0: ≤ 50 ms).
    expect(accepted[5]! - closeOf(4)).toBeLessThan(150);
  }, 15_000);
});
