/** Splitting replay input (bytes) into lines without ever building a string of a giant line. */

/**
 * Longest line a replay reads (bytes, without its line break): 64 MiB. A longer line is skipped as
 * a bad line without being held in memory — V8 cannot hold a string over ~512 MiB at all (a 600 MB
 * line crashed the replay with `Invalid string length`), and no venue frame comes near this.
 */
export const MAX_LINE_BYTES = 64 * 2 ** 20;

/**
 * Pull-based splitter of byte chunks into lines at `\n` (a `\r` before it is dropped), the lines
 * decoded as UTF-8 one by one (a `\n` byte never lies inside a multi-byte character). `feed` a
 * chunk, then call `next` until it returns null; `finish` after the last chunk gives the last line
 * when the input does not end with a line break. A line over `maxLineBytes` comes out as its byte
 * count (a number) instead of its text; its bytes are dropped as they arrive.
 */
export class LineSplitter {
  private chunk: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** The current line's bytes from earlier chunks (not while skipping an oversize line). */
  private parts: Buffer[] = [];
  /** Bytes of the current line so far, from earlier chunks. */
  private partBytes = 0;
  /** The current line is over the limit: its bytes are counted, not kept. */
  private skipping = false;

  constructor(private readonly maxLineBytes: number = MAX_LINE_BYTES) {
    if (!(Number.isSafeInteger(maxLineBytes) && maxLineBytes > 0))
      throw new Error(`LineSplitter: maxLineBytes must be a positive integer, got ${String(maxLineBytes)}`);
  }

  /** Take the next chunk (call once `next` has returned null for the previous one). */
  feed(chunk: Buffer): void {
    this.keepRest();
    this.chunk = chunk;
    this.pos = 0;
  }

  /** The next complete line (text, or byte count when over the limit), or null when the chunk holds no more. */
  next(): string | number | null {
    const c = this.chunk;
    const start = this.pos;
    if (start >= c.length) return null;
    const nl = c.indexOf(10, start);
    if (nl < 0) {
      this.keepRest();
      return null;
    }
    this.pos = nl + 1;
    const bytes = this.partBytes + (nl - start);
    if (this.skipping || bytes > this.maxLineBytes) return this.endLine(bytes);
    if (this.partBytes === 0) {
      const end = nl > start && c[nl - 1] === 13 ? nl - 1 : nl;
      return c.toString("utf8", start, end);
    }
    this.parts.push(c.subarray(start, nl));
    return this.joined();
  }

  /** After the last chunk: the unterminated last line (text or byte count), or null when there is none. */
  finish(): string | number | null {
    this.keepRest();
    if (this.skipping) return this.endLine(this.partBytes);
    if (this.partBytes === 0) return null;
    return this.joined();
  }

  /** Hold the unread rest of the chunk as the start of the current line (or count it, when skipping). */
  private keepRest(): void {
    const c = this.chunk;
    if (this.pos >= c.length) return;
    const rest = c.subarray(this.pos);
    this.pos = c.length;
    this.partBytes += rest.length;
    if (this.skipping) return;
    if (this.partBytes > this.maxLineBytes) {
      this.skipping = true;
      this.parts = [];
      return;
    }
    // A copy: the chunk's memory may be a pooled buffer reused by the stream.
    this.parts.push(Buffer.from(rest));
  }

  /** The current line from its parts (a `\r` before the break dropped), and a fresh start. */
  private joined(): string {
    let buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    if (buf.length > 0 && buf[buf.length - 1] === 13) buf = buf.subarray(0, buf.length - 1);
    this.parts = [];
    this.partBytes = 0;
    return buf.toString("utf8");
  }

  /** An oversize line ends: its byte count, and a fresh start. */
  private endLine(bytes: number): number {
    this.parts = [];
    this.partBytes = 0;
    this.skipping = false;
    return bytes;
  }
}
