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

/**
 * Generate straight-line JavaScript for the same checks as {@link compile} (≈4× faster than the
 * closure tree on nested records). `consts` receives the Sets used by enum/literal/catchall checks.
 */
function gen(def: Def, v: string, out: string[], consts: unknown[], ids: { n: number }): void {
  const id = (): number => ids.n++;
  const isObj = (x: string): string => `(typeof ${x} !== "object" || ${x} === null || Array.isArray(${x}))`;
  switch (def.type) {
    case "number": {
      out.push(`if (typeof ${v} !== "number" || !Number.isFinite(${v})) return false;`);
      for (const c of def.checks ?? []) {
        const d = c._zod.def;
        if (d.check === "number_format" && (d.format === "safeint" || d.format === "int32")) {
          out.push(`if (!Number.isSafeInteger(${v})) return false;`);
        } else if (d.check === "greater_than" && typeof d.value === "number") {
          out.push(`if (!(${v} ${d.inclusive ? ">=" : ">"} ${d.value})) return false;`);
        } else if (d.check === "less_than" && typeof d.value === "number") {
          out.push(`if (!(${v} ${d.inclusive ? "<=" : "<"} ${d.value})) return false;`);
        } else throw new Unsupported(`number check ${d.check}`);
      }
      return;
    }
    case "string": {
      out.push(`if (typeof ${v} !== "string") return false;`);
      for (const c of def.checks ?? []) {
        const d = c._zod.def;
        if (d.check === "min_length" && typeof d.minimum === "number")
          out.push(`if (${v}.length < ${d.minimum}) return false;`);
        else if (d.check === "max_length" && typeof d.maximum === "number")
          out.push(`if (${v}.length > ${d.maximum}) return false;`);
        else throw new Unsupported(`string check ${d.check}`);
      }
      return;
    }
    case "boolean":
      out.push(`if (typeof ${v} !== "boolean") return false;`);
      return;
    case "null":
      out.push(`if (${v} !== null) return false;`);
      return;
    case "unknown":
      out.push(`if (${v} === undefined) return false;`);
      return;
    case "enum":
    case "literal": {
      const values = def.type === "enum" ? Object.values(def.entries ?? {}) : (def.values ?? []);
      consts.push(new Set<unknown>(values));
      out.push(`if (!c[${consts.length - 1}].has(${v})) return false;`);
      return;
    }
    case "nullable":
    case "optional": {
      out.push(`if (${v} !== ${def.type === "nullable" ? "null" : "undefined"}) {`);
      gen(def.innerType!._zod.def, v, out, consts, ids);
      out.push("}");
      return;
    }
    case "array": {
      if (def.checks && def.checks.length > 0) throw new Unsupported("array checks");
      const i = `i${id()}`;
      const e = `e${id()}`;
      out.push(`if (!Array.isArray(${v})) return false;`, `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {`);
      out.push(`const ${e} = ${v}[${i}];`);
      gen(def.element!._zod.def, e, out, consts, ids);
      out.push("}");
      return;
    }
    case "record": {
      const k = def.keyType!._zod.def;
      if (k.type !== "string" || (k.checks && k.checks.length > 0)) throw new Unsupported("record key type");
      const key = `k${id()}`;
      const e = `e${id()}`;
      out.push(`if ${isObj(v)} return false;`, `for (const ${key} in ${v}) {`, `const ${e} = ${v}[${key}];`);
      gen(def.valueType!._zod.def, e, out, consts, ids);
      out.push("}");
      return;
    }
    case "object": {
      out.push(`if ${isObj(v)} return false;`);
      const keys = Object.keys(def.shape ?? {});
      const present = `p${id()}`;
      out.push(`let ${present} = 0;`);
      for (const key of keys) {
        const f = `f${id()}`;
        out.push(`const ${f} = ${v}[${JSON.stringify(key)}];`, `if (${f} !== undefined) ${present}++;`);
        gen(def.shape![key]!._zod.def, f, out, consts, ids);
      }
      const key = `k${id()}`;
      if (def.catchall) {
        consts.push(new Set(keys));
        const known = consts.length - 1;
        const e = `e${id()}`;
        out.push(
          `for (const ${key} in ${v}) {`,
          `if (c[${known}].has(${key})) continue;`,
          `const ${e} = ${v}[${key}];`,
        );
        gen(def.catchall._zod.def, e, out, consts, ids);
        out.push("}");
      } else {
        const total = `t${id()}`;
        out.push(
          `let ${total} = 0;`,
          `for (const ${key} in ${v}) ${total}++;`,
          `if (${total} !== ${present}) return false;`,
        );
      }
      return;
    }
    default:
      throw new Unsupported(`zod type ${def.type}`);
  }
}

/** Compile a conservative fast checker for `schema`, or null if it uses unsupported features. */
export function compileFastCheck(schema: z.ZodType): FastCheck | null {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  try {
    const out: string[] = [];
    const consts: unknown[] = [];
    gen(def, "x", out, consts, { n: 0 });
    try {
      // generated code only: field names are JSON-quoted, constants are passed in, never inlined
      const factory = new Function(
        "c",
        `return function fastCheck(x) {\n${out.join("\n")}\nreturn true;\n};`,
      );
      return factory(consts) as FastCheck;
    } catch {
      return compile(def); // code generation disallowed (e.g. --disallow-code-generation-from-strings)
    }
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

/** The closure-tree checker (no code generation); same contract as {@link compileFastCheck}. */
export function compileFastCheckNoCodegen(schema: z.ZodType): FastCheck | null {
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
