import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExpiryHeap } from "../src/expiry-heap.js";

describe("ExpiryHeap", () => {
  it("pops exactly the entries a linear scan would expire, earliest first", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(-1)), { maxLength: 300 }),
        (ops) => {
          const heap = new ExpiryHeap();
          const naive = new Map<string, number>();
          let n = 0;
          for (const op of ops) {
            if (op >= 0) {
              const key = `k${n++}`;
              heap.push(key, op);
              naive.set(key, op);
            } else {
              const cutoff = 500;
              const popped: [string, number][] = [];
              heap.popWhile(
                (t) => t <= cutoff,
                (k) => popped.push([k, naive.get(k)!]),
              );
              const expected = [...naive].filter(([, t]) => t <= cutoff).map(([k]) => k);
              expect(popped.map(([k]) => k).sort()).toEqual(expected.sort());
              for (let i = 1; i < popped.length; i++)
                expect(popped[i]![1]).toBeGreaterThanOrEqual(popped[i - 1]![1]);
              for (const k of expected) naive.delete(k);
              expect(heap.size).toBe(naive.size);
            }
          }
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});
