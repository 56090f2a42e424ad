/**
 * Appending a buffer of whole JSONL lines to a stream's file: rotation before the file would pass
 * its size limit, a torn last line (a crash mid-write) ended before appending, and a failed write
 * undone, so the file always ends at a whole record.
 */
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  writeSync,
} from "node:fs";
import { basename, extname, join } from "node:path";

/** The open file of one stream: descriptor (null: not open) and size in bytes. */
export interface StreamFile {
  fd: number | null;
  size: number;
  stats: { rotations: number };
}

/** Whether the file open at `fd` (of `size` bytes) ends mid-line (a torn last line from a crash). */
function endsMidLine(fd: number, size: number): boolean {
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 10;
}

/** 1 + the highest part number N of `stem.N.ext` in `dir` (1 when there is none). */
function nextPartNumber(dir: string, file: string): number {
  const ext = extname(file);
  const stem = basename(file, ext);
  let max = 0;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(`${stem}.`) || !f.endsWith(ext)) continue;
    const mid = f.slice(stem.length + 1, f.length - ext.length);
    if (/^\d+$/.test(mid)) max = Math.max(max, Number(mid));
  }
  return max + 1;
}

/** Rename `dir/file` to its next part, `stem.N.ext`. */
function rotate(sf: StreamFile, dir: string, file: string): void {
  const ext = extname(file);
  renameSync(join(dir, file), join(dir, `${basename(file, ext)}.${nextPartNumber(dir, file)}${ext}`));
  sf.stats.rotations += 1;
}

/**
 * Append `buf[0, bytes)` to `dir/file`. Throws on an I/O error, with the descriptor closed and the
 * file cut back to its size before the call (a partly written buffer would leave a cut record that
 * the next append glues onto).
 */
export function appendToStreamFile(
  sf: StreamFile,
  dir: string,
  file: string,
  buf: Buffer,
  bytes: number,
  rotateBytes: number,
): void {
  let before = -1;
  try {
    if (sf.fd !== null && sf.size > 0 && sf.size + bytes > rotateBytes) {
      closeSync(sf.fd);
      sf.fd = null;
      rotate(sf, dir, file);
    }
    if (sf.fd === null) {
      sf.fd = openSync(join(dir, file), "a+");
      sf.size = fstatSync(sf.fd).size;
      if (endsMidLine(sf.fd, sf.size)) {
        // a torn line left by a crash: end it, or the first new record would be glued onto it
        sf.size += writeSync(sf.fd, "\n");
      }
      if (sf.size > 0 && sf.size + bytes > rotateBytes) {
        // an existing file from an earlier run is already full: rotate before appending
        closeSync(sf.fd);
        sf.fd = null;
        rotate(sf, dir, file);
        sf.fd = openSync(join(dir, file), "a+");
        sf.size = 0;
      }
    }
    before = sf.size;
    let off = 0;
    while (off < bytes) off += writeSync(sf.fd, buf, off, bytes - off);
    sf.size += bytes;
  } catch (e) {
    if (sf.fd !== null) {
      try {
        if (before >= 0) ftruncateSync(sf.fd, before);
      } catch {
        // the cut record stays; the next append ends it as a torn line (endsMidLine)
      }
      try {
        closeSync(sf.fd);
      } catch {
        // the error below is what counts
      }
      sf.fd = null;
    }
    throw e;
  }
}
