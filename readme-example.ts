/**
 * Test helper: run a README's TypeScript example exactly as written, so the documented code and
 * its documented output cannot drift from the packages (used by the packages' readme tests).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

/** The code of the first ```ts block after `heading` in the markdown file at `readmeUrl`. */
export function readmeTsBlock(readmeUrl: URL, heading: string): string {
  const readme = readFileSync(readmeUrl, "utf8");
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`${readmeUrl.pathname}: no heading "${heading}"`);
  const open = readme.indexOf("```ts\n", at);
  if (open < 0) throw new Error(`${readmeUrl.pathname}: no \`\`\`ts block after "${heading}"`);
  const close = readme.indexOf("\n```", open + 6);
  return readme.slice(open + 6, close + 1);
}

/** The first plain ``` block after `marker` (an "Output" block), as lines. */
export function readmeOutputBlock(readmeUrl: URL, marker: string): string[] {
  const readme = readFileSync(readmeUrl, "utf8");
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`${readmeUrl.pathname}: no "${marker}"`);
  const open = readme.indexOf("```\n", at);
  const close = readme.indexOf("\n```", open + 4);
  return readme.slice(open + 4, close).split("\n");
}

/**
 * Run `code` as an ES module (imports of `@mmkit/*` resolve through the test's aliases) and
 * return the arguments of each console.log call it made (`printedLines` formats them as Node would).
 */
export async function runExample(code: string): Promise<unknown[][]> {
  const dir = mkdtempSync(join(tmpdir(), "mmkit-readme-example-"));
  const printed: unknown[][] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    printed.push(args);
  };
  try {
    const file = join(dir, "example.ts");
    writeFileSync(file, `${code}\nexport {};\n`);
    await import(/* @vite-ignore */ pathToFileURL(file).href);
    return printed;
  } finally {
    console.log = original;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The console.log calls as the lines Node would print. */
export function printedLines(calls: unknown[][]): string[] {
  return calls.map((args) => format(...args));
}

/** True when `actual` matches a documented line; a trailing " ..." in the docs abridges the rest. */
export function matchesDocumentedLine(documented: string, actual: string): boolean {
  if (documented.endsWith(" ...")) return actual.startsWith(documented.slice(0, -3));
  return actual === documented;
}
