import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/** A local venue imitation on 127.0.0.1 that streams recorded frames in a loop. */
export interface LoopingVenue {
  url: string;
  close: () => Promise<void>;
  /** Send nothing for `ms` from now (connections stay open: a venue gone silent). */
  silence: (ms: number) => void;
}

/**
 * A ws server on 127.0.0.1 (a free port) that sends nothing by itself: `onConnection` decides what
 * each client gets. `close` terminates the clients and the server.
 */
export async function startLocalWsServer(
  onConnection: (ws: WebSocket, path: string) => void,
): Promise<{ url: string; clients: () => Iterable<WebSocket>; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((r) => wss.once("listening", () => r()));
  wss.on("connection", (ws, req) => onConnection(ws, req.url ?? ""));
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    clients: () => wss.clients,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

/**
 * Serve `frames` (raw JSON text, as recorded) to every client, one every `intervalMs`, looping;
 * `stamp` rewrites a parsed frame before it is sent (e.g. the venue's timestamps set to now), and
 * `onConnection` sees each client (to answer its messages, record its path).
 */
export async function startLoopingVenue(
  frames: readonly string[],
  intervalMs: number,
  stamp: (msg: Record<string, unknown>, nowMs: number) => void,
  onConnection: (ws: WebSocket, path: string) => void = () => {},
): Promise<LoopingVenue> {
  const server = await startLocalWsServer(onConnection);
  let i = 0;
  let silentUntilMs = 0;
  const timer = setInterval(() => {
    if (Date.now() < silentUntilMs) return;
    const msg = JSON.parse(frames[i++ % frames.length]!) as Record<string, unknown>;
    stamp(msg, Date.now());
    const text = JSON.stringify(msg);
    for (const c of server.clients()) c.send(text);
  }, intervalMs);
  return {
    url: server.url,
    silence: (ms) => {
      silentUntilMs = Date.now() + ms;
    },
    close: async () => {
      clearInterval(timer);
      await server.close();
    },
  };
}
