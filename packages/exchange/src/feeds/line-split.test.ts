import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineSplitter } from "./line-split.js";

/** Every line of `chunks` through a splitter with limit `max`. */
function split(chunks: Buffer[], max: number): (string | number)[] {
  const s = new LineSplitter(max);
  const out: (string | number)[] = [];
  for (const c of chunks) {
    s.feed(c);
    for (let l = s.next(); l !== null; l = s.next()) out.push(l);
  }
  const last = s.finish();
  if (last !== null) out.push(last);
  return out;
}

describe("LineSplitter", () => {
  it("splits at \\n, drops a \\r before it, keeps a last line without a break, across any chunking", () => {
    const text = "a\r\nbé€\n\nlast";
    const expected = ["a", "bé€", "", "last"];
    const bytes = Buffer.from(text, "utf8");
    expect(split([bytes], 100)).toEqual(expected);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 6 }), (cuts) => {
        const at = [0, ...cuts.sort((x, y) => x - y), bytes.length];
        const chunks = at.slice(1).map((end, i) => bytes.subarray(at[i]!, end));
        expect(split(chunks, 100)).toEqual(expected);
      }),
      { seed: 3, numRuns: 300 },
    );
    expect(split([Buffer.from("x\n")], 100)).toEqual(["x"]);
  });

  it("a line over the limit comes out as its byte count, in one chunk or spread over several", () => {
    const long = "y".repeat(25);
    const bytes = Buffer.from(`ok\n${long}\nafter\n${long}`);
    expect(split([bytes], 10)).toEqual(["ok", 25, "after", 25]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 4) chunks.push(bytes.subarray(i, i + 4));
    expect(split(chunks, 10)).toEqual(["ok", 25, "after", 25]);
    expect(split([Buffer.from("0123456789\n")], 10)).toEqual(["0123456789"]); // at the limit: kept
    expect(() => new LineSplitter(0)).toThrow(/maxLineBytes must be a positive integer, got 0/);
  });
});
