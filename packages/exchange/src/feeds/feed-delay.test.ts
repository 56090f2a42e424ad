import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FeedDelayTracker } from "./feed-delay.js";

const T0 = 1_723_161_255_000;

describe("FeedDelayTracker", () => {
  it("a constant clock offset and latency is no delay: frames are as of their receipt", () => {
    const d = new FeedDelayTracker();
    // the local clock 5 s ahead of the venue's, 50 ms on the wire
    for (let i = 0; i < 100; i++) {
      const e = T0 + i * 100;
      expect(d.asOfMs(e + 5050, e)).toBe(e + 5050);
    }
    expect(d.maxExcessMs).toBe(0);
    expect(d.lateFrames).toBe(0);
  });

  it("a frame delivered 3 s late is 3 s old on arrival (its venue stamp on the local clock)", () => {
    const d = new FeedDelayTracker();
    for (let i = 0; i < 10; i++) d.asOfMs(T0 + i * 100 + 5050, T0 + i * 100);
    const e = T0 + 1000;
    expect(d.asOfMs(e + 8050, e)).toBe(e + 5050);
    expect(d.lastExcessMs).toBe(3000);
    expect(d.maxExcessMs).toBe(3000);
    expect(d.lateFrames).toBe(1);
    // the next frame on time is fresh again
    expect(d.asOfMs(e + 100 + 5050, e + 100)).toBe(e + 5150);
  });

  it("a lasting rise of the latency counts as delay for one window, then becomes the new base", () => {
    const d = new FeedDelayTracker({ windowMs: 60_000 });
    let t = T0;
    for (; t < T0 + 60_000; t += 500) d.asOfMs(t + 50, t);
    // from now on 250 ms on the wire
    expect(t + 250 - d.asOfMs(t + 250, t)).toBe(200);
    for (; t < T0 + 119_000; t += 500) d.asOfMs(t + 250, t);
    t += 2000; // more than a window after the last 50 ms frame
    expect(d.asOfMs(t + 250, t)).toBe(t + 250);
  });

  it("one frame stamped an hour ahead (a venue clock hiccup) does not make the next ones look an hour late", () => {
    const d = new FeedDelayTracker();
    let e = T0;
    for (; e < T0 + 60_000; e += 100) d.asOfMs(e + 5050, e);
    // stamped 3600 s ahead: it is not late (excess 0), and it does not become the base
    expect(d.asOfMs(e + 5050, e + 3_600_000)).toBe(e + 5050);
    for (e += 100; e < T0 + 120_000; e += 100) expect(d.asOfMs(e + 5050, e)).toBe(e + 5050);
    expect(d.maxExcessMs).toBe(0);
    // a real delay right after is still seen
    expect(d.asOfMs(e + 8050, e)).toBe(e + 5050);
  });

  it("equals the third smallest slot minimum of the last 60 slots, by brute force (property, seeded)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: -200, max: 4000 })), {
          minLength: 1,
          maxLength: 300,
        }),
        (steps) => {
          const windowMs = 6000; // slots of 100 ms
          const d = new FeedDelayTracker({ windowMs });
          const seen: { slot: number; offset: number }[] = [];
          let local = T0;
          for (const [dt, offset] of steps) {
            local += dt;
            const slot = Math.floor(local / 100);
            seen.push({ slot, offset });
            const slotMins = new Map<number, number>();
            for (const f of seen)
              if (f.slot > slot - 60)
                slotMins.set(f.slot, Math.min(f.offset, slotMins.get(f.slot) ?? Infinity));
            const ranked = [...slotMins.values()].sort((a, b) => a - b);
            const base = ranked.length < 3 ? ranked[0]! : ranked[2]!;
            expect(d.asOfMs(local, local - offset)).toBe(local - Math.max(0, offset - base));
          }
        },
      ),
      { seed: 11_27, numRuns: 200 },
    );
  });

  it("a checkpoint restores the same minimum; a bad one is refused naming the field", () => {
    const a = new FeedDelayTracker();
    for (let i = 0; i < 50; i++) a.asOfMs(T0 + i * 1000 + 40 + (i % 7) * 30, T0 + i * 1000);
    const b = new FeedDelayTracker();
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    for (let i = 50; i < 120; i++) {
      const e = T0 + i * 1000;
      expect(b.asOfMs(e + 900, e)).toBe(a.asOfMs(e + 900, e));
    }
    expect(b.getState()).toEqual(a.getState());
    const s = a.getState();
    expect(() => b.setState({ ...s, windowMs: 1 })).toThrow(/windowMs: expected 600000, got 1/);
    expect(() => b.setState({ ...s, mins: s.mins.slice(1) })).toThrow(/mins: expected 60 entries/);
    expect(() => b.setState({ ...s, lateFrames: -1 })).toThrow(/lateFrames: expected an integer >= 0/);
    // unchanged by the refused states
    expect(b.getState()).toEqual(a.getState());
  });

  it("a frame without a venue stamp is as of its receipt and leaves the estimate alone", () => {
    const d = new FeedDelayTracker();
    expect(d.asOfMs(T0, Number.NaN)).toBe(T0);
    expect(d.frames).toBe(0);
  });
});
