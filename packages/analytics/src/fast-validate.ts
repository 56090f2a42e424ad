/**
 * A conservative fast path for zod validation. `compileFastCheck(schema)` walks a zod (v4) schema
 * once and builds a plain-closure checker that answers "is this value valid AND would zod return it
 * unchanged?". It only understands the schema features our record schemas use (object, number with
 * int/min/max checks, string with length checks, boolean, enum, literal, null, nullable, optional,
 * array, record, unknown, catchall); anything else makes it return null, and callers use zod.
 *
 * Contract: check(v) === true ⇒ schema.safeParse(v) succeeds with data deep-equal to v. When check
 * returns false the caller runs zod, which either accepts (e.g. strips unknown keys) or produces the
 * proper error message. So results are always zod's; the fast path only skips work.
 */
import type { z } from "zod";

/** A compiled checker (true = valid and returned unchanged by zod). */
export type FastCheck = (value: unknown) => boolean;

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, { _zod: { def: Def } }>;
  catchall?: { _zod: { def: Def } };
  innerType?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  keyType?: { _zod: { def: Def } };
  valueType?: { _zod: { def: Def } };
  entries?: Record<string, string | number>;
  values?: unknown[];
}

interface CheckDef {
  check: string;
  format?: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
}

class Unsupported extends Error {}

function numberCheck(def: Def): FastCheck {
  const preds: ((x: number) => boolean)[] = [];
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === "number_format" && (d.format === "safeint" || d.format === "int32")) {
      preds.push(Number.isSafeInteger);
    } else if (d.check === "greater_than" && typeof d.value === "number") {
      const v = d.value;
      preds.push(d.inclusive ? (x) => x >= v : (x) => x > v);
    } else if (d.check === "less_than" && typeof d.value === "number") {
      const v = d.value;
      preds.push(d.inclusive ? (x) => x <= v : (x) => x < v);
    } else {
      throw new Unsupported(`number check ${d.check}`);
    }
  }
  return (x) => {
    if (typeof x !== "number" || !Number.isFinite(x)) return false;
    for (const p of preds) if (!p(x)) return false;
    return true;
  };
}

function stringCheck(def: Def): FastCheck {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === "min_length" && typeof d.minimum === "number") min = d.minimum;
    else if (d.check === "max_length" && typeof d.maximum === "number") max = d.maximum;
    else throw new Unsupported(`string check ${d.check}`);
  }
  return (x) => typeof x === "string" && x.length >= min && x.length <= max;
}

function compile(def: Def): FastCheck {
  switch (def.type) {
    case "number":
      return numberCheck(def);
    case "string":
      return stringCheck(def);
    case "boolean":
      return (x) => typeof x === "boolean";
    case "null":
      return (x) => x === null;
    case "unknown":
      return (x) => x !== undefined;
    case "enum": {
      const allowed = new Set<unknown>(Object.values(def.entries ?? {}));
      return (x) => allowed.has(x);
    }
    case "literal": {
      const allowed = new Set<unknown>(def.values ?? []);
      return (x) => allowed.has(x);
    }
    case "nullable": {
      const inner = compile(def.innerType!._zod.def);
      return (x) => x === null || inner(x);
    }
    case "optional": {
      const inner = compile(def.innerType!._zod.def);
      return (x) => x === undefined || inner(x);
    }
    case "array": {
      if (def.checks && def.checks.length > 0) throw new Unsupported("array checks");
      const el = compile(def.element!._zod.def);
      return (x) => {
        if (!Array.isArray(x)) return false;
        for (let i = 0; i < x.length; i++) if (!el(x[i])) return false;
        return true;
      };
    }
    case "record": {
      const k = def.keyType!._zod.def;
      if (k.type !== "string" || (k.checks && k.checks.length > 0)) throw new Unsupported("record key type");
      const val = compile(def.valueType!._zod.def);
      return (x) => {
        if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
        for (const key in x) if (!val((x as Record<string, unknown>)[key])) return false;
        return true;
      };
    }
    case "object":
      return objectCheck(def);
    default:
      throw new Unsupported(`zod type ${def.type}`);
  }
}

function objectCheck(def: Def): FastCheck {
  const keys = Object.keys(def.shape ?? {});
  const checks = keys.map((k) => compile(def.shape![k]!._zod.def));
  const catchall = def.catchall ? compile(def.catchall._zod.def) : null;
  const known = new Set(keys);
  return (x) => {
    if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
    const o = x as Record<string, unknown>;
    let present = 0;
    for (let i = 0; i < keys.length; i++) {
      const v = o[keys[i]!];
      if (v !== undefined) present++;
      if (!checks[i]!(v)) return false;
    }
    if (catchall) {
      for (const key in o) if (!known.has(key) && !catchall(o[key])) return false;
      return true;
    }
    // without a catchall zod strips unknown keys; only report "unchanged" when there are none
    let total = 0;
    for (const _ in o) total++;
    return total === present;
  };
}

/** Compile a conservative fast checker for `schema`, or null if it uses unsupported features. */
export function compileFastCheck(schema: z.ZodType): FastCheck | null {
  try {
    return compile((schema as unknown as { _zod: { def: Def } })._zod.def);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

const cache = new WeakMap<object, FastCheck | null>();

/** {@link compileFastCheck} memoized per schema object. */
export function fastCheckFor(schema: z.ZodType): FastCheck | null {
  if (cache.has(schema)) return cache.get(schema)!;
  const c = compileFastCheck(schema);
  cache.set(schema, c);
  return c;
}

/** Validate like `schema.safeParse`, trying the fast path first. */
export function validateRecord<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { success: true; data: T } | { success: false; error: z.ZodError } {
  const fast = fastCheckFor(schema);
  if (fast?.(value)) return { success: true, data: value as T };
  const r = schema.safeParse(value);
  return r.success ? { success: true, data: r.data } : { success: false, error: r.error };
}
