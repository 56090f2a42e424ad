import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { BinanceDepthSync, type DepthUpdate } from "./binance-depth-sync.js";

function upd(firstId: number, lastId: number, prevId?: number, price = firstId): DepthUpdate {
  const event: MarketEvent & { type: "delta" } = {
    type: "delta",
    exchangeTsMs: lastId,
    localTsMs: lastId,
    bids: [{ price, size: 1 }],
    asks: [],
  };
  return { firstId, lastId, ...(prevId !== undefined ? { prevId } : {}), event };
}

const snap = (lastUpdateId: number) => ({
  lastUpdateId,
  bids: [["100.0", "2.0"]] as [string, string][],
  asks: [["101.0", "3.0"]] as [string, string][],
});

describe("BinanceDepthSync (documented U/u/pu procedure)", () => {
  it("buffers until the snapshot, drops u < lastUpdateId, bridges with the update containing lastUpdateId", () => {
    const s = new BinanceDepthSync();
    expect(s.onUpdate(upd(1, 10, 0)).action).toBe("buffered");
    expect(s.onUpdate(upd(11, 20, 10)).action).toBe("buffered");
    expect(s.onUpdate(upd(21, 30, 20)).action).toBe("buffered");
    // Snapshot at 15: [1,10] is older (dropped); [11,20] contains 15 (U=11 ≤ 16, u=20 ≥ 15) → applied; then [21,30].
    const r = s.applySnapshot(snap(15), 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events.map((e) => e.type)).toEqual(["snapshot", "delta", "delta"]);
    expect(r.events[0]).toMatchObject({ bids: [{ price: 100, size: 2 }], asks: [{ price: 101, size: 3 }] });
    expect(s.status).toBe("synced");
    expect(s.onUpdate(upd(31, 40, 30)).action).toBe("apply");
  });

  it("a pu mismatch is a gap; back to buffering until the next snapshot", () => {
    const s = new BinanceDepthSync();
    s.onUpdate(upd(11, 20, 10));
    expect(s.applySnapshot(snap(15), 0).ok).toBe(true);
    const g = s.onUpdate(upd(31, 40, 30)); // previous u was 20, not 30
    expect(g).toEqual({ action: "gap", reason: "pu=30 != previous u=20" });
    expect(s.status).toBe("buffering");
    expect(s.onUpdate(upd(41, 50, 40)).action).toBe("buffered");
    const r = s.applySnapshot(snap(35), 0);
    expect(r.ok && r.events.length).toBe(3); // snapshot + [31,40] + [41,50]
  });

  it("a snapshot older than the whole buffer is refused (refetch)", () => {
    const s = new BinanceDepthSync();
    s.onUpdate(upd(50, 60, 49));
    const r = s.applySnapshot(snap(20), 0);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe("stale-snapshot");
  });

  it("snapshot newer than every buffered update waits for the first covering update", () => {
    const s = new BinanceDepthSync();
    s.onUpdate(upd(1, 10, 0));
    const r = s.applySnapshot(snap(12), 0);
    expect(r.ok && r.events.length).toBe(1);
    expect(s.status).toBe("awaitingFirst");
    expect(s.onUpdate(upd(11, 11, 10)).action).toBe("dropped"); // u=11 < 12
    expect(s.onUpdate(upd(12, 14, 11)).action).toBe("apply"); // U=12 ≤ 13 ≤ … u=14 ≥ 12
    expect(s.status).toBe("synced");
  });

  it("spot streams (no pu) require U = previous u + 1", () => {
    const s = new BinanceDepthSync();
    s.onUpdate(upd(5, 10));
    expect(s.applySnapshot(snap(8), 0).ok).toBe(true);
    expect(s.onUpdate(upd(11, 12)).action).toBe("apply");
    expect(s.onUpdate(upd(14, 15)).action).toBe("gap");
  });
});

describe("BinanceDepthSync boundaries", () => {
  it("the first update after the snapshot may start at lastUpdateId+1, not at +2", () => {
    const s = new BinanceDepthSync();
    expect(s.applySnapshot(snap(12), 0).ok).toBe(true);
    expect(s.onUpdate(upd(13, 14, 12)).action).toBe("apply"); // U = 13 = lastUpdateId+1
    const t = new BinanceDepthSync();
    expect(t.applySnapshot(snap(12), 0).ok).toBe(true);
    expect(t.onUpdate(upd(14, 15, 13))).toEqual({
      action: "gap",
      reason: "first update U=14 > lastUpdateId+1=13",
    });
  });

  it("a buffer starting at lastUpdateId+1 bridges; at +2 the snapshot is stale and the buffer is kept whole", () => {
    const s = new BinanceDepthSync();
    s.onUpdate(upd(16, 20, 15));
    const ok = s.applySnapshot(snap(15), 0);
    expect(ok.ok && ok.events.map((e) => e.type)).toEqual(["snapshot", "delta"]);
    const t = new BinanceDepthSync();
    t.onUpdate(upd(17, 20, 16));
    t.onUpdate(upd(21, 30, 20));
    expect(t.applySnapshot(snap(15), 0)).toMatchObject({ ok: false, reason: "stale-snapshot" });
    // Both buffered updates are still there for the next (newer) snapshot.
    const r = t.applySnapshot(snap(18), 0);
    expect(r.ok && r.events.map((e) => e.type)).toEqual(["snapshot", "delta", "delta"]);
  });

  it("a pu break inside the buffered bridge refuses the snapshot (no book with a hole in it)", () => {
    const s = new BinanceDepthSync();
    s.onUpdate(upd(11, 20, 10));
    s.onUpdate(upd(25, 30, 24)); // pu 24 ≠ 20: updates 21..24 are missing
    expect(s.applySnapshot(snap(15), 0)).toEqual({
      ok: false,
      reason: "stale-snapshot",
      detail: "pu=24 != previous u=20",
    });
    expect(s.status).toBe("buffering");
  });

  it("spot: an update overlapping the previous one (U ≤ previous u) is a gap too", () => {
    const s = new BinanceDepthSync();
    s.onUpdate(upd(5, 10));
    expect(s.applySnapshot(snap(8), 0).ok).toBe(true);
    expect(s.onUpdate(upd(10, 12)).action).toBe("gap"); // previous u = 10: U must be 11
  });

  it("the buffer keeps the newest maxBuffered updates", () => {
    const s = new BinanceDepthSync(2);
    s.onUpdate(upd(1, 10, 0));
    s.onUpdate(upd(11, 20, 10));
    s.onUpdate(upd(21, 30, 20)); // evicts [1,10]
    const r = s.applySnapshot(snap(15), 0);
    expect(r.ok && r.events.map((e) => e.type)).toEqual(["snapshot", "delta", "delta"]);
    const t = new BinanceDepthSync(2);
    for (const u of [upd(1, 10, 0), upd(11, 20, 10), upd(21, 30, 20)]) t.onUpdate(u);
    expect(t.applySnapshot(snap(5), 0)).toMatchObject({ ok: false, reason: "stale-snapshot" });
  });

  it("reset forgets the buffered updates of the old connection", () => {
    const s = new BinanceDepthSync();
    s.onUpdate(upd(11, 20, 10));
    s.reset();
    const r = s.applySnapshot(snap(15), 0);
    expect(r.ok && r.events.length).toBe(1); // the snapshot alone
    expect(s.status).toBe("awaitingFirst");
  });

  it("the snapshot event is stamped T, else E, else the local time", () => {
    const ts = (extra: { T?: number; E?: number }): number | false => {
      const r = new BinanceDepthSync().applySnapshot({ ...snap(1), ...extra }, 99);
      return r.ok && r.events[0]!.exchangeTsMs;
    };
    expect([ts({ T: 10, E: 20 }), ts({ E: 20 }), ts({})]).toEqual([10, 20, 99]);
  });
});
