import { fileURLToPath } from "node:url";

/** Resolve workspace packages to their TypeScript sources so tests never need a prior build. */
export const workspaceAlias: Record<string, string> = {
  "@mmkit/core": fileURLToPath(new URL("./packages/core/src/index.ts", import.meta.url)),
  "@mmkit/signals": fileURLToPath(new URL("./packages/signals/src/index.ts", import.meta.url)),
  "@mmkit/analytics": fileURLToPath(new URL("./packages/analytics/src/index.ts", import.meta.url)),
  "@mmkit/exchange": fileURLToPath(new URL("./packages/exchange/src/index.ts", import.meta.url)),
};

/** The global setup that gives each test run its own temporary directory, removed at the end. */
export const tmpdirSetup = fileURLToPath(new URL("./vitest.tmpdir.ts", import.meta.url));
