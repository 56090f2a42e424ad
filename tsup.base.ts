import type { Options } from "tsup";

/** Build options shared by every workspace package: ESM + .d.ts for Node 20. */
export const libraryBuild: Options = {
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
};

/** Build options for the CLI apps: the library entry plus the `cli` binary. */
export const appBuild: Options = {
  ...libraryBuild,
  entry: ["src/index.ts", "src/cli.ts"],
  dts: { entry: "src/index.ts" },
};
