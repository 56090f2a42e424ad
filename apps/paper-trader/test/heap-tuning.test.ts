import { describe, expect, it } from "vitest";
import { tuneHeapForLongRuns } from "../src/heap-tuning.js";

describe("tuneHeapForLongRuns", () => {
  it("leaves the heap alone when the user chose its sizing (argv or NODE_OPTIONS, - or _ spelling)", () => {
    expect(tuneHeapForLongRuns(["--max-old-space-size=128"], "")).toBe("user-flags");
    expect(tuneHeapForLongRuns([], "--trace-warnings --max_old_space_size=512")).toBe("user-flags");
    expect(tuneHeapForLongRuns([], "--heap-growing-percent=50")).toBe("user-flags");
    expect(tuneHeapForLongRuns(["--max-semi-space-size=8"], "")).toBe("user-flags");
  });

  it("applies the growing factor otherwise", () => {
    expect(tuneHeapForLongRuns(["--enable-source-maps"], "--trace-warnings")).toBe("applied");
  });
});
