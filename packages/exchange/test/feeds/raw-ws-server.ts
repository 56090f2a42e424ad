import { createHash } from "node:crypto";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { listenLocal } from "./fixtures.js";

/** One TCP connection of the raw venue. */
export interface RawConn {
  socket: Socket;
  /** Whether the websocket handshake was answered. */
  upgraded: boolean;
  /** Bytes received after the handshake (the client's frames, never answered). */
  bytesAfterUpgrade: number;
  /** `Date.now()` when the TCP connection closed, null while open. */
  closedAtMs: number | null;
}

/** A server-to-client websocket text frame (unmasked, FIN). */
function textFrame(text: string): Buffer {
  const p = Buffer.from(text, "utf8");
  let h: Buffer;
  if (p.length < 126) h = Buffer.from([0x81, p.length]);
  else if (p.length < 65536) {
    h = Buffer.alloc(4);
    h[0] = 0x81;
    h[1] = 126;
    h.writeUInt16BE(p.length, 2);
  } else {
    h = Buffer.alloc(10);
    h[0] = 0x81;
    h[1] = 127;
    h.writeBigUInt64BE(BigInt(p.length), 2);
  }
  return Buffer.concat([h, p]);
}

/**
 * A minimal websocket venue on raw TCP: it answers the upgrade handshake and then ignores
 * everything the client sends — no pong, and above all no reply to a close frame (a venue or
 * proxy that never completes the closing handshake). Frames are pushed with `broadcast`.
 */
export class RawWsVenue {
  readonly conns: RawConn[] = [];

  private constructor(private readonly server: Server) {
    server.on("connection", (socket) => {
      const conn: RawConn = { socket, upgraded: false, bytesAfterUpgrade: 0, closedAtMs: null };
      this.conns.push(conn);
      let head = "";
      socket.on("data", (d) => {
        if (conn.upgraded) {
          conn.bytesAfterUpgrade += d.length;
          return;
        }
        head += d.toString("latin1");
        if (!head.includes("\r\n\r\n")) return;
        const key = /Sec-WebSocket-Key: *(.*)\r\n/i.exec(head)?.[1]?.trim() ?? "";
        const accept = createHash("sha1")
          .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
          .digest("base64");
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
        conn.upgraded = true;
      });
      socket.on("error", () => {});
      socket.on("close", () => {
        conn.closedAtMs = Date.now();
      });
    });
  }

  /** Listen on 127.0.0.1 with an OS-assigned port. */
  static async start(): Promise<RawWsVenue> {
    return new RawWsVenue(await listenLocal(createServer()));
  }

  /** `ws://127.0.0.1:<port>`. */
  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Send a text frame on every upgraded, open connection. */
  broadcast(text: string): void {
    for (const c of this.conns) if (c.upgraded && c.closedAtMs === null) c.socket.write(textFrame(text));
  }

  /** Destroy every connection and close the listener. */
  async stop(): Promise<void> {
    for (const c of this.conns) c.socket.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
