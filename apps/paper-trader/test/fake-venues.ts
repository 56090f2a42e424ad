/** Local venue imitations on 127.0.0.1 replaying the repo's real recorded Hyperliquid and Binance frames. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { WebSocket } from "ws";
import type { PaperTraderConfigInput } from "../src/config.js";
import type { RunResult } from "../src/run.js";
import { BINANCE_SAMPLE, HL_SAMPLE, runInProcess } from "./helpers.js";
import { type LoopingVenue, startLoopingVenue } from "./ws-venue.js";

/** Recorded Hyperliquid frames (real messages from the repo sample, or derived from them), without the capture timestamp. */
/** Answer a Hyperliquid client as the venue does: pong its pings, acknowledge (and note) its subscriptions. */
export function answerHyperliquidClient(ws: WebSocket, subscriptions: unknown[]): void {
  ws.on("message", (data) => {
    const msg = JSON.parse(data.toString()) as { method: string; subscription?: unknown };
    if (msg.method === "ping") ws.send('{"channel":"pong"}');
    if (msg.method === "subscribe") {
      subscriptions.push(msg.subscription);
      ws.send(JSON.stringify({ channel: "subscriptionResponse", data: msg }));
    }
  });
}

function recordedFrames(lines?: string[]): string[] {
  return (lines ?? gunzipSync(readFileSync(HL_SAMPLE)).toString("utf8").split("\n"))
    .filter((l) => l.length > 0)
    .map((l) => l.slice(l.indexOf(" ") + 1));
}

/**
 * A local Hyperliquid imitation on 127.0.0.1: acks subscriptions, answers pings, and streams the
 * recorded l2Book/trades frames in a loop, stamping each with the current time as the venue would.
 */
export async function startFakeVenue(
  intervalMs: number,
  lines?: string[],
): Promise<LoopingVenue & { subscriptions: unknown[] }> {
  const subscriptions: unknown[] = [];
  const venue = await startLoopingVenue(
    recordedFrames(lines),
    intervalMs,
    (msg, now) => {
      if (msg.channel === "l2Book") (msg.data as { time: number }).time = now;
      if (msg.channel === "trades") for (const t of msg.data as { time: number }[]) t.time = now;
    },
    (ws) => answerHyperliquidClient(ws, subscriptions),
  );
  return { ...venue, subscriptions };
}

/**
 * A local Binance USD-M imitation on 127.0.0.1: serves the combined-stream path the feed asks for
 * and streams the real recorded bookTicker frames of the repo's Binance sample in a loop, stamped
 * with the current time. Records the requested paths.
 */
export async function startFakeBinance(
  intervalMs: number,
  /** How old (ms) each frame's content is when sent (default 0: stamped now). */
  lagMs: () => number = () => 0,
): Promise<LoopingVenue & { paths: string[] }> {
  const frames = gunzipSync(readFileSync(BINANCE_SAMPLE))
    .toString("utf8")
    .split("\n")
    .filter((l) => l.includes("@bookTicker"))
    .map((l) => l.slice(l.indexOf(" ") + 1));
  const paths: string[] = [];
  const venue = await startLoopingVenue(
    frames,
    intervalMs,
    (msg, now) => {
      const d = msg.data as { T: number; E: number };
      d.T = now - lagMs();
      d.E = d.T;
    },
    (_ws, path) => paths.push(path),
  );
  return { ...venue, paths };
}

/** A 4 s live BTC run against both local venues with the Binance lead feed (`input` adds or overrides settings); the venues close after it. */
export async function runLiveWithLead(
  input: PaperTraderConfigInput,
  leadLagMs?: () => number,
): Promise<{ result: RunResult; binancePaths: string[] }> {
  const venue = await startFakeVenue(20);
  const binance = await startFakeBinance(10, leadLagMs);
  try {
    const result = await runInProcess({
      source: "hyperliquid",
      asset: "BTC",
      hyperliquidUrl: venue.url,
      binanceLead: true,
      binanceUrl: binance.url,
      durationSec: 4,
      ...input,
    });
    return { result, binancePaths: binance.paths };
  } finally {
    await venue.close();
    await binance.close();
  }
}
