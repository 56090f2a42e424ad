/** Which field of a record its schema's validation dropped (zod strips unknown keys). */

/**
 * Path of the first key of `input` that validation dropped from `output` (zod strips unknown keys;
 * a field the schema does not know would otherwise vanish from the file without a word), or null.
 */
export function firstStrippedKey(input: unknown, output: unknown, path: string): string | null {
  if (typeof input !== "object" || input === null || typeof output !== "object" || output === null)
    return null;
  if (Array.isArray(input)) {
    if (!Array.isArray(output)) return null;
    for (let i = 0; i < input.length; i++) {
      const k = firstStrippedKey(input[i], output[i], `${path}[${i}]`);
      if (k !== null) return k;
    }
    return null;
  }
  const out = output as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    const at = path === "" ? key : `${path}.${key}`;
    if (!(key in out)) {
      if (value === undefined) continue; // an absent optional field written as undefined
      return at;
    }
    const k = firstStrippedKey(value, out[key], at);
    if (k !== null) return k;
  }
  return null;
}
