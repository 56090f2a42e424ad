/** Input bookkeeping: which stream files exist, streaming reads with issue collection, run.json. */
import { lstat, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  type JsonlIssue,
  jsonlParts,
  readJsonl,
  RUN_MANIFEST_FILE,
  type RunManifest,
  runManifestSchema,
  STREAM_FILES,
  STREAM_SCHEMAS,
  type StreamName,
  type StreamRecord,
  stripBom,
} from "@mmkit/analytics";
import type { InputFileSummary, InputIssue } from "./model.js";

/** Collects malformed-line reports from every reader (bounded list, full count). */
export class IssueLog {
  readonly issues: InputIssue[] = [];
  count = 0;

  constructor(private readonly maxKept = 200) {}

  /** Record one problem at file:line. */
  add(location: string, reason: string): void {
    this.count++;
    if (this.issues.length < this.maxKept) this.issues.push({ location, reason });
  }

  /** Adapter for the analytics reader's `onIssue`. */
  readonly onJsonlIssue = (i: JsonlIssue): void => {
    this.add(
      `${i.file}:${i.line}`,
      i.kind === "torn" ? `torn last line: ${i.message}` : `${i.kind}: ${i.message}`,
    );
  };
}

/** One stream opened for reading, with its summary row (filled in as records are consumed). */
export interface OpenStream<K extends StreamName> {
  summary: InputFileSummary;
  /** Async iterable of batches of valid records (empty when the file is missing). */
  batches: () => AsyncGenerator<StreamRecord[K][]>;
  /** Call after iteration to copy the reader's counters into the summary. */
  finish: () => void;
  /** Path of the part file the last yielded batch came from (rotated parts first), or null before any. */
  currentFile: () => string | null;
}

/** Open one stream of a run directory (with rotated parts); a missing file yields no records. */
export async function openStream<K extends StreamName>(
  dir: string,
  name: K,
  issues: IssueLog,
): Promise<OpenStream<K>> {
  const path = join(dir, STREAM_FILES[name]);
  const parts = jsonlParts(path);
  // jsonlParts leaves out a name that cannot be followed (a symlink loop or to nothing): present all the same
  if (!parts.includes(path) && (await lstat(path).catch(() => null)) !== null) parts.push(path);
  let bytes = 0;
  let unreadable: string | null = null;
  for (const p of parts) {
    const st = await stat(p).catch((err: NodeJS.ErrnoException) => statError(err));
    if (typeof st === "string") unreadable ??= st;
    else if (!st.isFile())
      unreadable ??= `${st.isDirectory() ? "EISDIR: a directory" : "not a regular file"}`;
    else bytes += st.size;
  }
  const summary: InputFileSummary = {
    stream: name,
    file: STREAM_FILES[name],
    present: parts.length > 0,
    bytes,
    records: 0,
    used: 0,
    badLines: 0,
    outsideWindow: 0,
    firstTsMs: null,
    lastTsMs: null,
    unreadable,
  };
  const schema = STREAM_SCHEMAS[name] as unknown as import("zod").ZodType<StreamRecord[K]>;
  const reader = readJsonl<StreamRecord[K]>(path, schema, { onIssue: issues.onJsonlIssue, maxIssues: 0 });
  /** The reader's batches; a read error (a directory, no permission) ends the stream as an issue. */
  async function* batches(): AsyncGenerator<StreamRecord[K][]> {
    if (unreadable !== null) {
      issues.add(path, `unreadable: ${unreadable}; not read`);
      return;
    }
    try {
      yield* reader.batches();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      summary.unreadable = e.code ?? e.message;
      issues.add(path, `unreadable: ${e.code ? `${e.code}: ${e.message}` : e.message}; the rest not read`);
    }
  }
  return {
    summary,
    batches,
    finish: () => {
      summary.records = reader.stats.records;
      summary.badLines = reader.stats.bad + reader.stats.torn;
    },
    currentFile: () => reader.stats.files[reader.stats.files.length - 1] ?? null,
  };
}

/** Why a present file cannot be stat'ed, as the Inputs table shows it ("ELOOP: a symbolic link loop"). */
function statError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ELOOP":
      return "ELOOP: a symbolic link loop";
    case "ENOENT":
      return "ENOENT: a symbolic link to nothing";
    case "EACCES":
      return "EACCES: permission denied";
    default:
      return err.code === undefined ? err.message : `${err.code}: ${err.message}`;
  }
}

/** Read and validate run.json; missing → null (named by the caller), invalid → an issue and null. */
export async function readManifest(
  dir: string,
  issues: IssueLog,
): Promise<{ manifest: RunManifest | null; present: boolean }> {
  const path = join(dir, RUN_MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOENT through a symlink to nothing: the name is there, so it is unreadable, not missing
    if (code === "ENOENT" && (await lstat(path).catch(() => null)) === null)
      return { manifest: null, present: false };
    issues.add(path, `unreadable: ${statError(err as NodeJS.ErrnoException)}`);
    return { manifest: null, present: true };
  }
  let obj: unknown;
  try {
    obj = JSON.parse(stripBom(text));
  } catch (err) {
    issues.add(`${path}:1`, `invalid JSON: ${(err as Error).message}`);
    return { manifest: null, present: true };
  }
  const res = runManifestSchema.safeParse(obj);
  if (!res.success) {
    const first = res.error.issues[0];
    issues.add(
      `${path}:1`,
      `schema: ${first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "invalid"}`,
    );
    return { manifest: null, present: true };
  }
  return { manifest: res.data, present: true };
}
