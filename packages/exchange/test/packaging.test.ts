import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

/** Bare package names imported by the published (non-test) sources. */
function importedPackages(dir: string, out = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) importedPackages(path, out);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      for (const m of readFileSync(path, "utf8").matchAll(/from "([^".][^"]*)"/g)) {
        const spec = m[1] as string;
        if (spec.startsWith("node:")) continue;
        out.add(
          spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : (spec.split("/")[0] as string),
        );
      }
    }
  }
  return out;
}

describe("package.json", () => {
  // The bundled dist/index.d.ts keeps `import WebSocket from 'ws'`; a consumer compiling with strict
  // tsc needs those types installed, so a package's @types/* must ship as a dependency, not a dev one.
  it("lists the @types package of every imported runtime dependency under dependencies", () => {
    const deps = pkg.dependencies ?? {};
    const dev = pkg.devDependencies ?? {};
    for (const name of importedPackages(join(root, "src"))) {
      expect(deps[name], `${name} is imported by src but not a dependency`).toBeDefined();
      const types = `@types/${name.replace(/^@/, "").replace("/", "__")}`;
      expect(dev[types], `${types} must be a dependency (public .d.ts imports ${name})`).toBeUndefined();
      if (name === "ws") expect(deps[types]).toBeDefined();
    }
  });
});
