/**
 * Inflating gzip replays that may be cut short (a killed recorder) or corrupt (bit rot, a bad
 * copy): both end the input after what inflates before the damage instead of throwing.
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { constants as zc, createGunzip, gunzipSync } from "node:zlib";

/** zlib options that decompress a truncated gzip up to where it ends (its cut last line is then a bad line). */
const SALVAGE = { finishFlush: zc.Z_SYNC_FLUSH };
/**
 * Read and inflate streamed replays in 1 MiB chunks: with the 64 KiB / 16 KiB defaults the
 * pipeline waits on the thread pool for every small chunk (measured on a 3.6 MB capture: 250 ms to
 * decompress and split its lines, 123 ms with 1 MiB chunks).
 */
export const STREAM_CHUNK_BYTES = 1 << 20;

/**
 * Where a streamed inflate failed on corrupt data, the damaged stretch is inflated again in steps
 * of this many compressed bytes, so what precedes the error is lost only within one step.
 */
const SALVAGE_STEP_BYTES = 64;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** Whether a buffer starts with the gzip magic bytes. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
}

/** A zlib error of the data itself (bit rot, a bad copy), as opposed to a cut file or a zlib failure. */
function isCorruptData(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === "Z_DATA_ERROR" || code === "Z_NEED_DICT";
}

/** The error, worded with the file (zlib's own messages name none). */
function withPath(path: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`replay: ${path}: ${message}`, { cause: err });
}

/** zlib's "unexpected end of file": the gzip stream ends before its trailer (a cut file). */
function isCutShort(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === "Z_BUF_ERROR";
}

/**
 * Inflate a whole gzip file's bytes up to where it is cut (`SALVAGE`; `cut`: it ends without its
 * trailer, e.g. a recorder killed right after a flush, whose text may still end with a whole line)
 * or, when its data is corrupt, the longest prefix that inflates (found by bisection: a few more
 * passes, only for a corrupt file). A complete file is inflated once.
 */
export function gunzipSalvage(
  path: string,
  raw: Buffer,
): { data: Buffer; corrupt: NodeJS.ErrnoException | null; cut: boolean } {
  try {
    return { data: gunzipSync(raw), corrupt: null, cut: false };
  } catch (err) {
    if (!isCutShort(err) && !isCorruptData(err)) throw withPath(path, err);
  }
  try {
    return { data: gunzipSync(raw, SALVAGE), corrupt: null, cut: true };
  } catch (err) {
    if (!isCorruptData(err)) throw withPath(path, err);
    let good = 0;
    let bad = raw.length;
    let data = Buffer.alloc(0);
    while (bad - good > 1) {
      const mid = Math.floor((good + bad) / 2);
      try {
        data = gunzipSync(raw.subarray(0, mid), SALVAGE);
        good = mid;
      } catch (e) {
        if (!isCorruptData(e)) throw withPath(path, e);
        bad = mid;
      }
    }
    if (good > 0) data = gunzipSync(raw.subarray(0, good), SALVAGE);
    return { data, corrupt: err, cut: false };
  }
}

/**
 * Streamed inflate of a gzip file (`input` is its read stream). On corrupt data it ends like a cut
 * file and sets `state.corrupt`; when the file ends before its gzip trailer it sets `state.cut`.
 * Either way it yields everything that precedes the error first: zlib drops the output of the
 * call that failed (up to a chunk), so the file is inflated again (a cut file: one more pass),
 * fast up to the input the failed pass had consumed, then in small steps, skipping what was yielded.
 */
export async function* inflateStreamed(
  path: string,
  input: Readable,
  state: { corrupt: NodeJS.ErrnoException | null; cut: boolean },
): AsyncGenerator<Buffer> {
  const gz = createGunzip({ chunkSize: STREAM_CHUNK_BYTES });
  let yielded = 0;
  try {
    input.pipe(gz);
    for await (const chunk of gz as AsyncIterable<Buffer>) {
      yielded += chunk.length;
      yield chunk;
    }
    return;
  } catch (err) {
    if (isCutShort(err)) state.cut = true;
    else if (isCorruptData(err)) state.corrupt = err;
    else throw withPath(path, err);
  } finally {
    input.destroy();
    gz.destroy();
  }
  yield* inflateUntilError(path, gz.bytesWritten, yielded);
}

/** Inflate `path` until its data error, in one pass: `fastBytes` of input at full speed, then small steps; output after the first `skip` bytes. */
async function* inflateUntilError(path: string, fastBytes: number, skip: number): AsyncGenerator<Buffer> {
  const gz = createGunzip({ ...SALVAGE, chunkSize: STREAM_CHUNK_BYTES });
  const out: Buffer[] = [];
  let toSkip = skip;
  gz.on("data", (chunk: Buffer) => {
    if (toSkip >= chunk.length) toSkip -= chunk.length;
    else {
      out.push(toSkip > 0 ? chunk.subarray(toSkip) : chunk);
      toSkip = 0;
    }
  });
  let failed = false;
  gz.on("error", () => {
    failed = true;
  });
  const stopped = new Promise<void>((resolve) => gz.once("close", () => resolve()));
  const input = createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES });
  try {
    let pos = 0;
    for await (const chunk of input as AsyncIterable<Buffer>) {
      for (let off = 0; off < chunk.length && !failed; ) {
        const n = pos < fastBytes ? Math.min(chunk.length - off, fastBytes - pos) : SALVAGE_STEP_BYTES;
        const piece = chunk.subarray(off, off + n);
        await Promise.race([new Promise<void>((resolve) => gz.write(piece, () => resolve())), stopped]);
        off += piece.length;
        pos += piece.length;
        yield* out.splice(0);
      }
      if (failed) return;
    }
    await Promise.race([new Promise<void>((resolve) => gz.end(() => resolve())), stopped]);
    yield* out.splice(0);
  } finally {
    input.destroy();
    gz.destroy();
  }
}
