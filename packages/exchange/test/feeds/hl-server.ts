import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { captureFrames } from "./fixtures.js";

/** Per-connection record kept by the fake venue. */
export interface HlConn {
  ws: WebSocket;
  subscriptions: unknown[];
  pingsReceived: number;
  /** l2Book frames sent on this connection, in order. */
  booksSent: string[];
  /** Fault switches for this connection. */
  answerPings: boolean;
  sendData: boolean;
  /** With `sendData`: send the l2Book frames (true) and a `bbo` frame per tick (false unless `FakeHyperliquid.bbo`). */
  sendBooks: boolean;
  sendBbo: boolean;
}

/**
 * A local Hyperliquid imitation replaying real recorded frames: answers `{"method":"ping"}`
 * with `{"channel":"pong"}`, acks subscriptions, then streams the recorded `l2Book` / `trades`
 * frames in a loop every `intervalMs`. Faults are switched on by the tests.
 */
export class FakeHyperliquid {
  readonly wss: WebSocketServer;
  readonly conns: HlConn[] = [];
  private readonly books: string[];
  private readonly trades: string[];
  private cursor = 0;
  private timer: NodeJS.Timeout | null = null;
  /** `sendData` of new connections (false: the test starts the data itself). */
  dataFromStart = true;
  /** Send a `bbo` frame (the touch of the current recorded book, documented format) every tick. */
  bbo = false;
  /** Answer `l2Book` subscriptions with the venue's `Invalid subscription` error frame. */
  rejectL2Book = false;

  private constructor(wss: WebSocketServer, intervalMs: number) {
    this.wss = wss;
    const frames = captureFrames("hyperliquid-btc-20250126.gz");
    this.books = frames.filter((f) => f.startsWith('{"channel":"l2Book"'));
    this.trades = frames.filter((f) => f.startsWith('{"channel":"trades"'));
    wss.on("connection", (ws) => {
      const conn: HlConn = {
        ws,
        subscriptions: [],
        pingsReceived: 0,
        booksSent: [],
        answerPings: true,
        sendData: this.dataFromStart,
        sendBooks: true,
        sendBbo: this.bbo,
      };
      this.conns.push(conn);
      ws.on("message", (data) => {
        const msg = JSON.parse(data.toString()) as { method: string; subscription?: unknown };
        if (msg.method === "ping") {
          conn.pingsReceived++;
          if (conn.answerPings) ws.send('{"channel":"pong"}');
        } else if (msg.method === "subscribe") {
          if (this.rejectL2Book && (msg.subscription as { type?: string }).type === "l2Book") {
            conn.sendBooks = false;
            ws.send(
              JSON.stringify({ channel: "error", data: `Invalid subscription ${JSON.stringify(msg)}` }),
            );
            return;
          }
          conn.subscriptions.push(msg.subscription);
          ws.send(JSON.stringify({ channel: "subscriptionResponse", data: msg }));
        }
      });
    });
    this.timer = setInterval(() => this.tick(), intervalMs);
  }

  /** Start on 127.0.0.1 with an OS-assigned port. */
  static async start(intervalMs = 20): Promise<FakeHyperliquid> {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((r) => wss.once("listening", () => r()));
    return new FakeHyperliquid(wss, intervalMs);
  }

  /** `ws://127.0.0.1:<port>`. */
  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  /** The connection most recently accepted. */
  get last(): HlConn {
    return this.conns[this.conns.length - 1]!;
  }

  /** Open connections. */
  openConns(): HlConn[] {
    return this.conns.filter((c) => c.ws.readyState === c.ws.OPEN);
  }

  private tick(): void {
    const i = this.cursor++;
    const book = this.books[i % this.books.length]!;
    for (const c of this.openConns()) {
      if (c.subscriptions.length === 0 || !c.sendData) continue;
      if (c.sendBbo) c.ws.send(bboFrame(book));
      if (c.sendBooks) {
        c.ws.send(book);
        c.booksSent.push(book);
      }
      if (i % 5 === 0) c.ws.send(this.trades[(i / 5) % this.trades.length]!);
    }
  }

  /** Send a raw text frame to every open connection. */
  broadcastRaw(text: string): void {
    for (const c of this.openConns()) c.ws.send(text);
  }

  /** Stop everything. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}

/** The `bbo` frame (documented format) of an l2Book frame's touch, at the book's time. */
export function bboFrame(l2Book: string): string {
  const d = (JSON.parse(l2Book) as { data: { coin: string; time: number; levels: unknown[][] } }).data;
  return JSON.stringify({
    channel: "bbo",
    data: { coin: d.coin, time: d.time, bbo: [d.levels[0]![0], d.levels[1]![0]] },
  });
}
