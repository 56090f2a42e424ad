import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config.js";
import { RunMetrics } from "../src/metrics.js";
import { runInProcess, tempDir } from "./helpers.js";

describe("Prometheus metrics", () => {
  it("before any market data: feed staleness +Inf and a kill switch that does not quote, not a healthy 0", async () => {
    const text = await new RunMetrics().registry.metrics();
    expect(text).toMatch(/^mmkit_feed_staleness_seconds \+Inf$/m);
    expect(text).not.toContain("mmkit_lead_feed_staleness_seconds"); // no lead venue: no lead gauge
    expect(await new RunMetrics(true).registry.metrics()).toMatch(
      /^mmkit_lead_feed_staleness_seconds \+Inf$/m,
    );
    expect(text).toMatch(/^mmkit_kill_switch_state 1$/m);
    // prom-client's default names already start with process_ / nodejs_
    expect(text).toContain("mmkit_process_cpu_user_seconds_total");
    expect(text).not.toContain("mmkit_process_process_");
  });

  it("a --metrics-port in use is a flag error raised before the previous run is archived", async () => {
    const dir = tempDir();
    await runInProcess({ durationSec: 60, outputDir: dir });
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const run = runInProcess({ durationSec: 60, outputDir: dir, metricsPort: port });
      await expect(run).rejects.toThrow(ConfigError);
      await expect(run).rejects.toThrow(`invalid --metrics-port: ${port} cannot be used (EADDRINUSE)`);
      expect(existsSync(join(dir, "archive"))).toBe(false);
      expect(existsSync(join(dir, "fills.jsonl"))).toBe(true);
    } finally {
      busy.close();
    }
  });
});
