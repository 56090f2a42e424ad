import { defineConfig } from "vitest/config";
import { tmpdirSetup, workspaceAlias } from "../../vitest.shared.js";

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    globalSetup: [tmpdirSetup],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
