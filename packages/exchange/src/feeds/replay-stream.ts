/** The bytes of one replay file, streamed in chunks (gzip inflated on the fly). */
import { createReadStream } from "node:fs";
import { inflateStreamed, isGzip, STREAM_CHUNK_BYTES } from "./gzip-salvage.js";

/** How a streamed gzip ended: at a data error (`corrupt`) or cut short without its trailer (`cut`). */
export interface InflateEnd {
  corrupt: NodeJS.ErrnoException | null;
  cut: boolean;
}

/**
 * The (decompressed) content of `path` as chunks: gzip is detected from its first bytes; `inflate`
 * is filled in once the chunks are read; `close` releases the file (also when not read to the end).
 */
export async function replayFileChunks(
  path: string,
): Promise<{ chunks: AsyncIterable<Buffer>; inflate: InflateEnd; close: () => void }> {
  const input = createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES });
  const head = await new Promise<Buffer>((resolve, reject) => {
    input.once("readable", () => {
      const chunk = input.read(2) as Buffer | null;
      if (chunk) input.unshift(chunk);
      resolve(chunk ?? Buffer.alloc(0));
    });
    input.once("error", reject);
  });
  const inflate: InflateEnd = { corrupt: null, cut: false };
  const chunks: AsyncIterable<Buffer> = isGzip(head) ? inflateStreamed(path, input, inflate) : input;
  return { chunks, inflate, close: () => input.destroy() };
}
