import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { STALE_DATA_MS } from "../src/build.js";
import { deriveHl } from "./derive-hl.js";
import { runInProcess, tempDir } from "./helpers.js";

interface Level {
  px: string;
  sz: string;
  n: number;
}

/**
 * The real Hyperliquid frames (25 s) played `copies` times back to back (times and trade ids
 * shifted), with every book of the copies in `crossed` made crossed (asks moved below the best bid).
 */
function captureWithCrossedBooks(
  copies: number,
  crossed: ReadonlySet<number>,
): { lines: string[]; crossedBooks: number } {
  const lines: string[] = [];
  let crossedBooks = 0;
  for (let k = 0; k < copies; k++) {
    for (const line of deriveHl("BTC", 105_055, 5, k * 25_000)) {
      const sp = line.indexOf(" ");
      const msg = JSON.parse(line.slice(sp + 1)) as { channel: string; data: unknown };
      if (msg.channel === "trades") {
        for (const t of msg.data as { tid: number }[]) t.tid += k * 1_000_000;
      } else if (crossed.has(k)) {
        const [bids, asks] = (msg.data as { levels: [Level[], Level[]] }).levels;
        const below = Number(bids[0]!.px) - 5;
        asks.forEach((a, i) => {
          a.px = String(below + i);
        });
        crossedBooks++;
      }
      lines.push(`${line.slice(0, sp)} ${JSON.stringify(msg)}`);
    }
  }
  return { lines, crossedBooks };
}

describe("book updates the paper exchange refuses", () => {
  it("are not fresh data: only crossed books for 50 s make the feed stale, and the report counts them", async () => {
    const dir = tempDir();
    const { lines, crossedBooks } = captureWithCrossedBooks(4, new Set([1, 2]));
    const input = join(dir, "crossed.gz");
    writeFileSync(input, gzipSync(`${lines.join("\n")}\n`));
    const out = join(dir, "out");
    const r = await runInProcess({ source: "replay", input, outputDir: out });
    const feed = r.report.find((l) => l.startsWith("Feed:"));
    expect(feed).toContain(`paper exchange refused ${crossedBooks} book update(s)`);
    const events = readFileSync(join(out, "events.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { ts_ms: number; kind: string; to?: string; reason?: string });
    const stale = events.find((e) => e.kind === "kill_switch" && /stale/.test(e.reason ?? ""));
    expect(stale, JSON.stringify(events.map((e) => [e.kind, e.to, e.reason]))).toBeDefined();
    // the last valid book came at the end of the first copy (25 s); stale STALE_DATA_MS after it
    const firstMs = events[0]!.ts_ms;
    expect(stale!.ts_ms - firstMs).toBeGreaterThan(25_000 - 1000);
    expect(stale!.ts_ms - firstMs).toBeLessThan(25_000 + STALE_DATA_MS + 5000);
    // valid books again in the last copy: the switch goes back to active
    expect(
      events.some((e) => e.kind === "kill_switch" && e.to === "active" && e.ts_ms >= firstMs + 75_000),
      JSON.stringify(events.map((e) => [e.ts_ms - firstMs, e.kind, e.to, e.reason])),
    ).toBe(true);
  });
});
