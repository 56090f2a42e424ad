/**
 * Checkpoint encoding shared by every tracker's `getState()` / `setState()`.
 *
 * A state is a plain JSON-safe object (numbers, strings, booleans, null, arrays, objects) with
 * `version: 1`. Floating-point values go through {@link encodeNumber}: finite non-negative-zero
 * numbers stay numbers (JSON round-trips every finite double exactly), and NaN, ±Infinity and −0
 * — which `JSON.stringify` would turn into `null` / `0` — become the strings "NaN", "Infinity",
 * "-Infinity", "-0". Readers validate shape and types and throw an Error naming the bad field.
 */

/** Version written into (and required from) every checkpoint state. */
export const CHECKPOINT_VERSION = 1;

/** A float as stored in a checkpoint: a finite number, or a string for NaN / ±Infinity / −0. */
export type EncodedNumber = number | "NaN" | "Infinity" | "-Infinity" | "-0";

/** Encode a float so it survives `JSON.stringify` bit-exactly (see module doc). */
export function encodeNumber(x: number): EncodedNumber {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (Object.is(x, -0)) return "-0";
  return x;
}

/** Encode every element of an array-like of floats. */
export function encodeNumbers(xs: ArrayLike<number>): EncodedNumber[] {
  const out: EncodedNumber[] = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = encodeNumber(xs[i]!);
  return out;
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined (missing)";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "object") return v === null ? "null" : "an object";
  return String(v);
}

/** Decode one {@link EncodedNumber}; `where` names the field in the error. */
export function decodeNumber(v: unknown, where: string): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  if (v === "-0") return -0;
  throw new Error(
    `${where}: expected a finite number or "NaN"/"Infinity"/"-Infinity"/"-0", got ${describe(v)}`,
  );
}

/** Require a plain object (not null, not an array). */
export function readRecord(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new Error(`${where}: expected an object, got ${describe(v)}`);
  }
  return v as Record<string, unknown>;
}

/** Require an object with `version === 1`; returns it as a record. */
export function readVersioned(v: unknown, where: string): Record<string, unknown> {
  const r = readRecord(v, where);
  if (r["version"] !== CHECKPOINT_VERSION) {
    throw new Error(`${where}.version: expected ${CHECKPOINT_VERSION}, got ${describe(r["version"])}`);
  }
  return r;
}

/**
 * Require an object whose `version` is one of `known` (a format this build reads); returns the
 * record and its version. An unknown version (e.g. written by a newer build) is a clear error.
 */
export function readAnyVersion<V extends number>(
  v: unknown,
  where: string,
  known: readonly V[],
): { r: Record<string, unknown>; version: V } {
  const r = readRecord(v, where);
  const version = r["version"];
  if (!known.includes(version as V)) {
    throw new Error(
      `${where}.version: unknown checkpoint format version ${describe(version)} (this build reads ${known.join(", ")})`,
    );
  }
  return { r, version: version as V };
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * Encode doubles bit-exactly (NaN, ±Infinity and −0 included) as base64 of their little-endian
 * IEEE-754 bytes: 8 bytes (≈10.7 characters) per value, and no number formatting on write.
 */
export function encodeFloat64s(xs: ArrayLike<number>): string {
  const n = xs.length;
  const buf = Buffer.allocUnsafe(n * 8);
  if (LITTLE_ENDIAN) {
    const f = new Float64Array(buf.buffer, buf.byteOffset, n);
    for (let i = 0; i < n; i++) f[i] = xs[i]!;
  } else {
    for (let i = 0; i < n; i++) buf.writeDoubleLE(xs[i]!, i * 8);
  }
  return buf.toString("base64");
}

function readBase64(r: Record<string, unknown>, key: string, where: string): Buffer {
  const v = r[key];
  if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) {
    throw new Error(`${where}.${key}: expected a base64 string, got ${describe(v)}`);
  }
  return Buffer.from(v, "base64");
}

/** Decode an {@link encodeFloat64s} field, optionally of an exact length (throws naming the field). */
export function readFloat64s(
  r: Record<string, unknown>,
  key: string,
  where: string,
  length?: number,
): Float64Array {
  const buf = readBase64(r, key, where);
  if (buf.length % 8 !== 0) {
    throw new Error(`${where}.${key}: byte length ${buf.length} is not a multiple of 8`);
  }
  const n = buf.length / 8;
  if (length !== undefined && n !== length) {
    throw new Error(`${where}.${key}: expected ${length} values, got ${n}`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = buf.readDoubleLE(i * 8);
  return out;
}

/** Pack small unsigned codes (each < 2^bits, bits ∈ {1, 2, 4, 8}) into a base64 string. */
export function encodePacked(codes: ArrayLike<number>, bits: 1 | 2 | 4 | 8): string {
  const perByte = 8 / bits;
  const buf = Buffer.alloc(Math.ceil(codes.length / perByte));
  for (let i = 0; i < codes.length; i++) {
    buf[(i / perByte) | 0]! |= codes[i]! << ((i % perByte) * bits);
  }
  return buf.toString("base64");
}

/** Decode exactly `length` codes of an {@link encodePacked} field (throws naming the field). */
export function readPacked(
  r: Record<string, unknown>,
  key: string,
  where: string,
  bits: 1 | 2 | 4 | 8,
  length: number,
): Uint8Array {
  const buf = readBase64(r, key, where);
  const perByte = 8 / bits;
  if (buf.length !== Math.ceil(length / perByte)) {
    throw new Error(`${where}.${key}: expected ${length} packed ${bits}-bit codes, got ${buf.length} bytes`);
  }
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (buf[(i / perByte) | 0]! >> ((i % perByte) * bits)) & mask;
  return out;
}

/** Read an encoded float field. */
export function readNumber(r: Record<string, unknown>, key: string, where: string): number {
  return decodeNumber(r[key], `${where}.${key}`);
}

/** Read an encoded float field that may be null. */
export function readNullableNumber(r: Record<string, unknown>, key: string, where: string): number | null {
  return r[key] === null ? null : decodeNumber(r[key], `${where}.${key}`);
}

/** Read a plain integer field ≥ `min` (counts, sizes). */
export function readInt(r: Record<string, unknown>, key: string, where: string, min = 0): number {
  const v = r[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
    throw new Error(`${where}.${key}: expected an integer >= ${min}, got ${describe(v)}`);
  }
  return v;
}

/** Read a string field. */
export function readString(r: Record<string, unknown>, key: string, where: string): string {
  const v = r[key];
  if (typeof v !== "string") throw new Error(`${where}.${key}: expected a string, got ${describe(v)}`);
  return v;
}

/** Read a boolean field. */
export function readBoolean(r: Record<string, unknown>, key: string, where: string): boolean {
  const v = r[key];
  if (typeof v !== "boolean") throw new Error(`${where}.${key}: expected a boolean, got ${describe(v)}`);
  return v;
}

/** Read an array field with at most `maxLength` elements (keeps restored memory bounded). */
export function readArray(
  r: Record<string, unknown>,
  key: string,
  where: string,
  maxLength = Number.POSITIVE_INFINITY,
): unknown[] {
  const v = r[key];
  if (!Array.isArray(v)) throw new Error(`${where}.${key}: expected an array, got ${describe(v)}`);
  if (v.length > maxLength) {
    throw new Error(`${where}.${key}: at most ${maxLength} elements allowed, got ${v.length}`);
  }
  return v;
}

/** Read an array of encoded floats, optionally of an exact length. */
export function readNumberArray(
  r: Record<string, unknown>,
  key: string,
  where: string,
  length?: number,
): number[] {
  const arr = readArray(r, key, where);
  if (length !== undefined && arr.length !== length) {
    throw new Error(`${where}.${key}: expected ${length} elements, got ${arr.length}`);
  }
  return arr.map((x, i) => decodeNumber(x, `${where}.${key}[${i}]`));
}

/** Throw unless a restored configuration value equals the instance's own. */
export function requireSameConfig(where: string, key: string, expected: unknown, got: unknown): void {
  if (JSON.stringify(expected) !== JSON.stringify(got)) {
    throw new Error(
      `${where}.${key}: checkpoint was written with ${JSON.stringify(got)} but this instance has ` +
        `${JSON.stringify(expected)} (construct it with the same options, or use fromState)`,
    );
  }
}

/** Read an array of strings. */
export function readStringArray(r: Record<string, unknown>, key: string, where: string): string[] {
  return readArray(r, key, where).map((x, i) => {
    if (typeof x !== "string")
      throw new Error(`${where}.${key}[${i}]: expected a string, got ${describe(x)}`);
    return x;
  });
}

/** Read an array of booleans, optionally of an exact length. */
export function readBooleanArray(
  r: Record<string, unknown>,
  key: string,
  where: string,
  length?: number,
): boolean[] {
  const arr = readArray(r, key, where);
  if (length !== undefined && arr.length !== length) {
    throw new Error(`${where}.${key}: expected ${length} elements, got ${arr.length}`);
  }
  return arr.map((x, i) => {
    if (typeof x !== "boolean")
      throw new Error(`${where}.${key}[${i}]: expected a boolean, got ${describe(x)}`);
    return x;
  });
}
