/** A replay line over MAX_LINE_BYTES is a bad line named by file, line and size, never a string (V8 caps strings at ~512 MiB). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_LINE_BYTES } from "./line-split.js";
import { openReplay } from "./replay.js";

const HL = fileURLToPath(new URL("../../../../data/samples/hyperliquid-btc-20250126.gz", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "mmkit-long-line-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The Hyperliquid sample with line 10 replaced by a line of MAX_LINE_BYTES + 1 bytes; plain and gzip. */
function withLongLine(): { plain: string; gz: string; lines: number } {
  const lines = gunzipSync(readFileSync(HL)).toString("utf8").split("\n").filter(Boolean);
  const prefix = `${lines[9]!.slice(0, lines[9]!.indexOf(" "))} {"channel":"trades","data":"`;
  const long = Buffer.alloc(MAX_LINE_BYTES + 1, "x");
  long.write(prefix, 0);
  long.write('"}', long.length - 2);
  const text = Buffer.concat([
    Buffer.from(`${lines.slice(0, 9).join("\n")}\n`),
    long,
    Buffer.from(`\n${lines.slice(10).join("\n")}\n`),
  ]);
  const plain = join(dir, "long-line.txt");
  writeFileSync(plain, text);
  const gz = join(dir, "long-line.gz");
  writeFileSync(gz, gzipSync(text, { level: 1 }));
  return { plain, gz, lines: lines.length };
}

describe("a replay line over MAX_LINE_BYTES (64 MiB)", () => {
  const input = withLongLine();

  it.each([
    ["streamed, plain", () => input.plain, true],
    ["streamed, gzip", () => input.gz, true],
    ["events(), plain", () => input.plain, false],
  ])(
    "%s: skipped as a bad line naming file, line and size; the rest replays",
    async (_what, path, streamed) => {
      const warnings: string[] = [];
      const feed = openReplay(path(), { logger: { warn: (_o, msg) => warnings.push(msg), info: () => {} } });
      let events = 0;
      if (streamed) for await (const _ of feed) events++;
      else for (const _ of feed.events()) events++;
      const size = `${MAX_LINE_BYTES + 1} bytes (64.0 MiB)`;
      const error = `line of ${size} over the 64 MiB limit: skipped unread`;
      expect(feed.badLines).toEqual([{ where: `${path()}:10`, error }]);
      expect(warnings).toContain(`replay: ${path()}:10: ${error}`);
      expect(feed.stats().invalidMessages).toBe(1);
      expect(feed.stats().extra["oversizeLines"]).toBe(1);
      expect(feed.stats().messages).toBe(input.lines);
      expect(events).toBeGreaterThan(40);
    },
  );
});
