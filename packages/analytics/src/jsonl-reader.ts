/**
 * Streaming JSONL readers: big-chunk reads, manual line splitting, JSON.parse and per-line schema
 * validation. Bad lines are skipped and reported as `file:line`; a final line without a newline
 * that does not parse is reported as "torn" (a crash mid-write) instead of an error. Memory is
 * bounded by the chunk size plus the longest line, whatever the file size.
 *
 * Rotated parts: the file `name.jsonl` may have been rotated into `name.1.jsonl`, `name.2.jsonl`, …
 * (1 = oldest). {@link readJsonl} reads `name.1.jsonl`, `name.2.jsonl`, …, then `name.jsonl`.
 */
import { existsSync, readdirSync } from "node:fs";
import { open } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import type { z } from "zod";
import { validateRecord } from "./fast-validate.js";

/** One problem found while reading. */
export interface JsonlIssue {
  /** File path. */
  file: string;
  /** 1-based line number in that file. */
  line: number;
  /** "parse": not JSON; "schema": JSON that fails validation; "torn": truncated last line. */
  kind: "parse" | "schema" | "torn";
  /** What is wrong. */
  message: string;
}

/** Counters of a read. */
export interface JsonlReadStats {
  /** Files read, in order. */
  files: string[];
  /** Bytes read. */
  bytes: number;
  /** Non-blank lines seen. */
  lines: number;
  /** Valid records yielded. */
  records: number;
  /** Lines skipped for parse or schema errors. */
  bad: number;
  /** Torn final lines. */
  torn: number;
}

/** Options of {@link readJsonl}. */
export interface ReadJsonlOptions {
  /** Called for every issue (also kept, up to `maxIssues`, in `reader.issues`). */
  onIssue?: (issue: JsonlIssue) => void;
  /** Issues kept in memory (default 1000; all are counted in stats). */
  maxIssues?: number;
  /** Read chunk size in bytes (default 4 MiB). */
  chunkBytes?: number;
  /** Validate with the schema (default true). With false, any JSON object passes, untyped: use with care. */
  validate?: boolean;
  /** Read rotated parts before the file (default true). */
  includeRotated?: boolean;
}

/** The rotated parts of `path` (oldest first) followed by `path` itself, if present. */
export function jsonlParts(path: string): string[] {
  const dir = dirname(path);
  const ext = extname(path);
  const stem = basename(path, ext);
  const parts: { n: number; file: string }[] = [];
  if (existsSync(dir)) {
    const prefix = `${stem}.`;
    for (const f of readdirSync(dir)) {
      if (!f.startsWith(prefix) || !f.endsWith(ext)) continue;
      const mid = f.slice(prefix.length, f.length - ext.length);
      if (/^\d+$/.test(mid)) parts.push({ n: Number(mid), file: join(dir, f) });
    }
  }
  parts.sort((a, b) => a.n - b.n);
  const out = parts.map((p) => p.file);
  if (existsSync(path)) out.push(path);
  return out;
}

/** `text` without a leading UTF-8 byte-order mark (U+FEFF), which JSON.parse rejects. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function describeZodError(err: z.ZodError): string {
  const first = err.issues[0];
  if (!first) return "invalid record";
  const where = first.path.length > 0 ? first.path.join(".") : "(root)";
  const more = err.issues.length > 1 ? ` (+${err.issues.length - 1} more)` : "";
  return `${where}: ${first.message}${more}`;
}

/** A streaming reader over one JSONL stream (with its rotated parts); iterate it once. */
export class JsonlReader<T> implements AsyncIterable<T> {
  /** Issues found so far (first `maxIssues`). */
  readonly issues: JsonlIssue[] = [];
  /** Counters so far. */
  readonly stats: JsonlReadStats = { files: [], bytes: 0, lines: 0, records: 0, bad: 0, torn: 0 };
  private readonly files: string[];

  constructor(
    files: string[],
    private readonly schema: z.ZodType<T>,
    private readonly options: ReadJsonlOptions = {},
  ) {
    this.files = files;
  }

  private issue(i: JsonlIssue): void {
    if (i.kind === "torn") this.stats.torn += 1;
    else this.stats.bad += 1;
    if (this.issues.length < (this.options.maxIssues ?? 1000)) this.issues.push(i);
    this.options.onIssue?.(i);
  }

  private handleLine(raw: string, file: string, line: number, isTail: boolean, out: T[]): void {
    // a file saved with a UTF-8 byte-order mark (Windows editors) starts with U+FEFF: not JSON
    const text = line === 1 ? stripBom(raw) : raw;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      this.issue({
        file,
        line,
        kind: isTail ? "torn" : "parse",
        message: isTail
          ? `truncated last line (${text.length} chars)`
          : `invalid JSON: ${(e as Error).message}`,
      });
      return;
    }
    if (this.options.validate === false) {
      out.push(obj as T);
      this.stats.records += 1;
      return;
    }
    const r = validateRecord(this.schema, obj);
    if (r.success) {
      out.push(r.data);
      this.stats.records += 1;
    } else {
      this.issue({ file, line, kind: "schema", message: describeZodError(r.error) });
    }
  }

  /** Yield valid records in batches (one batch per read chunk): the fastest way to consume. */
  async *batches(): AsyncGenerator<T[]> {
    const chunkBytes = this.options.chunkBytes ?? 4 * 1024 * 1024;
    for (const file of this.files) {
      this.stats.files.push(file);
      const fh = await open(file, "r");
      try {
        let buf = Buffer.allocUnsafe(chunkBytes);
        let carry = 0; // bytes of an unfinished line at the start of buf
        let lineNo = 0;
        for (;;) {
          if (carry === buf.length) {
            const bigger = Buffer.allocUnsafe(buf.length * 2); // a line longer than the buffer
            buf.copy(bigger, 0, 0, carry);
            buf = bigger;
          }
          const { bytesRead } = await fh.read(buf, carry, buf.length - carry, null);
          this.stats.bytes += bytesRead;
          const end = carry + bytesRead;
          if (bytesRead === 0) {
            if (carry > 0) {
              const out: T[] = [];
              const text = buf.toString("utf8", 0, carry).replace(/\r$/, "");
              lineNo += 1;
              if (text.trim().length > 0) {
                this.stats.lines += 1;
                this.handleLine(text, file, lineNo, true, out);
              }
              if (out.length > 0) yield out;
            }
            break;
          }
          const lastNl = buf.lastIndexOf(10, end - 1);
          if (lastNl < 0) {
            carry = end;
            continue;
          }
          const text = buf.toString("utf8", 0, lastNl);
          const out: T[] = [];
          let pos = 0;
          while (pos <= text.length) {
            let nl = text.indexOf("\n", pos);
            if (nl < 0) nl = text.length;
            lineNo += 1;
            let lineEnd = nl;
            if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd -= 1;
            if (lineEnd > pos) {
              const line = text.slice(pos, lineEnd);
              const c0 = line.charCodeAt(0);
              // a record line starts with "{"; anything else is checked for being blank
              if (c0 === 123 || line.trim().length > 0) {
                this.stats.lines += 1;
                this.handleLine(line, file, lineNo, false, out);
              }
            }
            pos = nl + 1;
          }
          carry = end - (lastNl + 1);
          buf.copy(buf, 0, lastNl + 1, end);
          if (out.length > 0) yield out;
        }
      } finally {
        await fh.close();
      }
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const batch of this.batches()) {
      for (const r of batch) yield r;
    }
  }
}

/**
 * Stream the valid records of a JSONL file (and its rotated parts, oldest first).
 * Inspect `reader.issues` / `reader.stats` after (or during) iteration.
 */
export function readJsonl<T>(
  path: string,
  schema: z.ZodType<T>,
  options: ReadJsonlOptions = {},
): JsonlReader<T> {
  const files = options.includeRotated === false ? (existsSync(path) ? [path] : []) : jsonlParts(path);
  return new JsonlReader(files, schema, options);
}
