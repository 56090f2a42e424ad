import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { captureFrames, listenLocal } from "./fixtures.js";

interface DepthData {
  U: number;
  u: number;
  pu: number;
  b: [string, string][];
  a: [string, string][];
}

/**
 * A local Binance USD-M imitation: a combined-stream websocket at `/stream` replaying the real
 * recorded frames in order (3 frames every 2 ms) and a REST `/fapi/v1/depth` endpoint serving a
 * snapshot consistent with the stream position (the recorded REST snapshot plus every depth
 * update up to the current position, whether or not it was delivered).
 */
export class FakeBinance {
  readonly conns: { ws: WebSocket; url: string }[] = [];
  /** Frames not yet sent. */
  cursor = 0;
  /** Depth frames to drop instead of sending (fault injection): indices into `frames`. */
  readonly skip = new Set<number>();
  /** When false the stream pauses. */
  streaming = true;
  snapshotRequests = 0;
  /** Answer this many of the next snapshot requests with HTTP 503 (fault injection). */
  failSnapshots = 0;
  /** The last snapshot body served. */
  lastServed: { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] } | null = null;
  readonly frames: string[];
  readonly bids = new Map<string, string>();
  readonly asks = new Map<string, string>();
  lastUpdateId: number;
  private timer: NodeJS.Timeout;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    snapshotDelayMs: number,
  ) {
    const all = captureFrames("binance-usdm-btcusdt-20240808-head600.gz");
    const snapIdx = all.findIndex((f) => f.startsWith('{"lastUpdateId"'));
    const snap = JSON.parse(all[snapIdx]!) as {
      lastUpdateId: number;
      bids: [string, string][];
      asks: [string, string][];
    };
    this.lastUpdateId = snap.lastUpdateId;
    for (const [p, q] of snap.bids) this.bids.set(p, q);
    for (const [p, q] of snap.asks) this.asks.set(p, q);
    this.frames = all.filter((_, i) => i !== snapIdx);
    http.on("request", (req, res) => {
      if (!req.url?.startsWith("/fapi/v1/depth")) {
        res.writeHead(404).end();
        return;
      }
      this.snapshotRequests++;
      if (this.failSnapshots > 0) {
        this.failSnapshots--;
        res.writeHead(503).end();
        return;
      }
      this.lastServed = this.snapshot();
      const body = JSON.stringify(this.lastServed);
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(body), snapshotDelayMs);
    });
    wss.on("connection", (ws, req) => this.conns.push({ ws, url: req.url ?? "" }));
    this.timer = setInterval(() => this.tick(), 2);
  }

  /** Start HTTP + WS on 127.0.0.1 (OS-assigned port). */
  static async start(snapshotDelayMs = 30, autoPong = true): Promise<FakeBinance> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: "/stream", autoPong });
    return new FakeBinance(await listenLocal(http), wss, snapshotDelayMs);
  }

  /** `ws://127.0.0.1:<port>` and `http://127.0.0.1:<port>`. */
  get wsBase(): string {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }
  get restBase(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Whether every frame has been sent. */
  get finished(): boolean {
    return this.cursor >= this.frames.length;
  }

  /** Snapshot at the current stream position (sorted, best first). */
  snapshot(): { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] } {
    const bids = [...this.bids.entries()].sort((x, y) => Number(y[0]) - Number(x[0]));
    const asks = [...this.asks.entries()].sort((x, y) => Number(x[0]) - Number(y[0]));
    return { lastUpdateId: this.lastUpdateId, bids, asks };
  }

  private advanceBook(frame: string): void {
    const env = JSON.parse(frame) as { data: { e: string } & DepthData };
    if (env.data.e !== "depthUpdate" || env.data.u < this.lastUpdateId) return;
    for (const [p, q] of env.data.b) Number(q) === 0 ? this.bids.delete(p) : this.bids.set(p, q);
    for (const [p, q] of env.data.a) Number(q) === 0 ? this.asks.delete(p) : this.asks.set(p, q);
    this.lastUpdateId = env.data.u;
  }

  private tick(): void {
    const open = this.conns.filter((c) => c.ws.readyState === c.ws.OPEN);
    if (!this.streaming || open.length === 0) return;
    for (let k = 0; k < 3 && !this.finished; k++) {
      const i = this.cursor++;
      const f = this.frames[i]!;
      this.advanceBook(f);
      if (this.skip.has(i)) continue;
      for (const c of open) c.ws.send(f);
    }
  }

  /** Index of the n-th depth frame at or after `from`. */
  depthFrameIndex(from: number): number {
    return this.frames.findIndex((f, i) => i >= from && f.includes('"depthUpdate"'));
  }

  /** Send a raw text frame to every open connection. */
  broadcastRaw(text: string): void {
    for (const c of this.conns) if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
  }

  /** Stop everything. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}

/**
 * A REST endpoint that accepts every request and never answers (a hung load balancer): counts
 * the requests and the ones whose client went away (aborted or closed the connection).
 */
export class HungRest {
  requests = 0;
  clientGone = 0;

  private constructor(private readonly http: Server) {
    http.on("request", (req) => {
      this.requests++;
      req.socket.once("close", () => this.clientGone++);
    });
  }

  /** Listen on 127.0.0.1 (OS-assigned port). */
  static async start(): Promise<HungRest> {
    return new HungRest(await listenLocal(createServer()));
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Drop every connection and stop listening. */
  async stop(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}
