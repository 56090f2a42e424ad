import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tuneHeapForLongRuns, YOUNG_GENERATION_FLAG } from "../src/heap-tuning.js";

/** The `scripts` block of a package.json, relative to this test. */
function scripts(rel: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as {
    scripts: Record<string, string>;
  };
  return pkg.scripts;
}

describe("tuneHeapForLongRuns", () => {
  it("leaves the heap alone when the user chose its sizing (argv or NODE_OPTIONS, - or _ spelling)", () => {
    expect(tuneHeapForLongRuns(["--max-old-space-size=128"], "")).toBe("user-flags");
    expect(tuneHeapForLongRuns([], "--trace-warnings --max_old_space_size=512")).toBe("user-flags");
    expect(tuneHeapForLongRuns([], "--heap-growing-percent=50")).toBe("user-flags");
  });

  it("applies the growing factor otherwise, also next to a young-generation flag", () => {
    expect(tuneHeapForLongRuns(["--enable-source-maps"], "--trace-warnings")).toBe("applied");
    expect(tuneHeapForLongRuns([YOUNG_GENERATION_FLAG], "")).toBe("applied");
    expect(tuneHeapForLongRuns([], "--max_semi_space_size=8")).toBe("applied");
  });
});

describe("YOUNG_GENERATION_FLAG", () => {
  it("is a flag node accepts on its command line and in NODE_OPTIONS", () => {
    // node exits 9 ("bad option") on a flag it does not know, and refuses a V8 flag NODE_OPTIONS does not allow.
    expect(
      execFileSync(process.execPath, [YOUNG_GENERATION_FLAG, "-e", "process.stdout.write('ok')"]).toString(),
    ).toBe("ok");
    const env = { ...process.env, NODE_OPTIONS: YOUNG_GENERATION_FLAG };
    expect(execFileSync(process.execPath, ["-e", "process.stdout.write('ok')"], { env }).toString()).toBe(
      "ok",
    );
  });

  it("starts the root `pnpm paper-trader` script's node and `pnpm bench`'s (what the benchmark measures)", () => {
    expect(scripts("../../../package.json")["paper-trader"]).toMatch(
      new RegExp(`&& node ${YOUNG_GENERATION_FLAG} apps/paper-trader/dist/cli\\.js$`),
    );
    expect(scripts("../package.json")["bench"]).toMatch(new RegExp(`^node ${YOUNG_GENERATION_FLAG} `));
  });
});
