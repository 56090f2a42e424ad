/** Reading a `--config` JSON file into config fields (flag names or field names as keys). */
import { readFileSync } from "node:fs";
import { FIELD_TO_FLAG, FLAG_KEY_TO_FIELD } from "./config.js";
import { UsageError } from "./usage-error.js";

/** The JSON object in `path` (UsageError naming the file when it cannot be read or is not an object). */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`invalid --config: cannot read ${path} (${(err as Error).message})`);
  }
  let value: unknown;
  try {
    // a byte-order mark (editors on Windows write one) is not part of the JSON
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new UsageError(`invalid --config: ${path} is not valid JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`invalid --config: ${path} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * A config file's keys as config fields: flag names (`ladder-levels`) map to their field
 * (`ladderLevels`), other keys stay as written (field names; unknown keys fail validation). `keys`
 * gives each field's key as written, for errors. One field under both spellings is a UsageError.
 */
export function configFields(raw: Record<string, unknown>): {
  fields: Record<string, unknown>;
  keys: Record<string, string>;
} {
  const fields: Record<string, unknown> = {};
  const keys: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    // JSON.parse keeps "__proto__" as a key; assigned below it would replace the object's prototype
    if (key === "__proto__") throw new UsageError(`invalid config: unknown key(s) __proto__`);
    const field = FLAG_KEY_TO_FIELD[key] ?? key;
    const other = keys[field];
    if (other !== undefined)
      throw new UsageError(
        `invalid --config: keys "${other}" and "${key}" both set ${FIELD_TO_FLAG[field] ?? field}; keep one`,
      );
    keys[field] = key;
    fields[field] = value;
  }
  return { fields, keys };
}
