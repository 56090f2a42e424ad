/** The Prometheus endpoint over HTTP: /metrics and nothing else, a failed collection as a 500. */
import { emptyFeedStats, type FeedStats } from "@mmkit/exchange";
import { afterEach, describe, expect, it } from "vitest";
import { RunMetrics } from "../src/metrics.js";

const servers: RunMetrics[] = [];
afterEach(async () => {
  for (const m of servers.splice(0)) await m.close();
});

/** A served RunMetrics on a free port: the base URL. */
async function served(m = new RunMetrics()): Promise<string> {
  servers.push(m);
  const port = await m.serve(0);
  return `http://127.0.0.1:${port}`;
}

describe("the metrics endpoint", () => {
  it("serves the exposition at /metrics, in Prometheus' text format", async () => {
    const base = await served();
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('mmkit_fills_total{side="buy"} 0');
  });

  it("answers a HEAD of /metrics with the headers only", async () => {
    const base = await served();
    const res = await fetch(`${base}/metrics`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it.each(["/", "/metric", "/metricsx", "/other/metrics", "/favicon.ico"])(
    "%s is a 404 pointing at /metrics",
    async (path) => {
      const base = await served();
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe("not found; try /metrics\n");
    },
  );

  it("a collection that fails is a 500 carrying the error, and the server keeps serving", async () => {
    const m = new RunMetrics();
    let calls = 0;
    const stats = (): FeedStats => {
      calls++;
      if (calls === 2) throw new Error("feed stats unavailable");
      return emptyFeedStats();
    };
    m.watchFeeds([{ name: "venue", stats }]); // the first call: at registration
    const base = await served(m);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("feed stats unavailable");
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });

  it("close() stops serving, and a second close() is harmless", async () => {
    const m = new RunMetrics();
    const base = await served(m);
    await m.close();
    await m.close();
    await expect(fetch(`${base}/metrics`)).rejects.toThrow();
  });
});
