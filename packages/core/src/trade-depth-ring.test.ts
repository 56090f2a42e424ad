import { describe, expect, it } from "vitest";
import { TradeDepthRing } from "./trade-depth-ring.js";

describe("TradeDepthRing", () => {
  it("keeps FIFO order across growth and wrap-around", () => {
    const ring = new TradeDepthRing(3000);
    for (let i = 0; i < 1500; i++) ring.push(i, i / 10, i % 2, i % 7);
    for (let i = 0; i < 1000; i++) ring.shift(); // head moves to 1000
    for (let i = 1500; i < 3500; i++) ring.push(i, i / 10, i % 2, i % 7); // grows 1024 → 2048 → 3000 and wraps
    expect(ring.size).toBe(2500);
    for (let k = 0; k < ring.size; k++) {
      const i = 1000 + k;
      expect(ring.tsAt(k)).toBe(i);
      expect(ring.depthAt(k)).toBe(i / 10);
      expect(ring.buyAt(k)).toBe(i % 2);
      expect(ring.bucketAt(k)).toBe(i % 7);
    }
    ring.setDepthAt(ring.size - 1, 5, 6);
    expect(ring.depthAt(ring.size - 1)).toBe(5);
    expect(ring.bucketAt(ring.size - 1)).toBe(6);
  });

  it("refuses to exceed maxEvents", () => {
    const ring = new TradeDepthRing(2);
    ring.push(1, 0, 0, 0);
    ring.push(2, 0, 0, 0);
    expect(ring.isFull()).toBe(true);
    expect(() => ring.push(3, 0, 0, 0)).toThrow(/full/);
    ring.shift();
    ring.push(3, 0, 0, 0);
    expect([ring.tsAt(0), ring.tsAt(1)]).toEqual([2, 3]);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(() => new TradeDepthRing(0)).toThrow(/maxEvents/);
  });
});
