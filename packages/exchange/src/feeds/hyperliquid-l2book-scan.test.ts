import { describe, expect, it } from "vitest";
import { scanL2BookFrame } from "./hyperliquid-l2book-scan.js";
import { parseHyperliquidFrame } from "./hyperliquid-messages.js";

// The l2Book scanner takes only what JSON.parse would take, in the venue's exact layout, and its
// numbers are the correctly rounded values of the decimals; anything else goes to the general path.

const frame = (coin: string, bidPx: string, n = "1", time = "1737918843542", tail = "}}"): string =>
  `{"channel":"l2Book","data":{"coin":"${coin}","levels":[[{"n":${n},"px":"${bidPx}","sz":"0.5"}],[{"n":2,"px":"105056.0","sz":"1.25"}]],"time":${time}${tail}`;

describe("scanL2BookFrame", () => {
  it("reads the canonical layout (hand-written frame, values read off it)", () => {
    expect(scanL2BookFrame(frame("BTC", "105055.0"), 7)).toEqual({
      coin: "BTC",
      event: {
        type: "snapshot",
        exchangeTsMs: 1737918843542,
        localTsMs: 7,
        bids: [{ price: 105055, size: 0.5, count: 1 }],
        asks: [{ price: 105056, size: 1.25, count: 2 }],
      },
    });
  });

  it("a 17-digit price is left to JSON.parse: its value is the correctly rounded 212100687037.4671", () => {
    // 21210068703746710 / 10^5 is not exact in doubles (above 2^53): it would give …37.46713.
    const text = frame("BTC", "212100687037.46710");
    expect(scanL2BookFrame(text, 0)).toBeNull();
    const r = parseHyperliquidFrame(text, 0);
    expect(r.kind === "events" && r.events[0]!.type === "snapshot" && r.events[0]!.bids[0]!.price).toBe(
      212100687037.4671,
    );
  });

  it("what is not JSON is not scanned, and the frame is invalid: leading zeros, trailing bytes, a raw control character", () => {
    for (const text of [
      frame("BTC", "105055.0", "01"), // count with a leading zero
      frame("BTC", "105055.0", "1", "01737918843542"), // time with a leading zero
      frame("BTC", "105055.0", "1", "1737918843542", "}}}"), // a byte after the object
      frame("B\u0001TC", "105055.0"), // raw U+0001 inside the coin string
    ]) {
      expect(scanL2BookFrame(text, 0)).toBeNull();
      expect(parseHyperliquidFrame(text, 0)).toMatchObject({
        kind: "invalid",
        error: expect.stringMatching(/^malformed JSON/),
      });
    }
  });
});
