import type { MarketEvent } from "@mmkit/core";
import { expect, it } from "vitest";
import { FeedHealthLog } from "./health-log.js";

type Status = Extract<MarketEvent, { type: "health" }>["status"];

it("resyncs: the book's first sync is routine (info), a later one without a reconnect is a warning", () => {
  const lines: string[] = [];
  const log = new FeedHealthLog(
    {
      warn: (_o, msg) => lines.push(`warn ${msg}`),
      info: (_o, msg) => lines.push(`info ${msg}`),
    },
    "[FEED]",
  );
  const at = (localTsMs: number, status: Status, reason: string): void =>
    log.note({ type: "health", exchangeTsMs: localTsMs, localTsMs, status, reason });
  // a replay of a capture: no connect event, the REST snapshot syncs the book
  at(0, "resynced", "depth snapshot");
  // a stall later (no reconnect): the book had to be rebuilt
  at(60_000, "resynced", "sequence gap");
  // a reconnect after a short outage and its resync: routine
  at(70_000, "disconnected", "closed");
  at(70_500, "connected", "reconnected");
  at(70_600, "resynced", "depth snapshot");
  expect(lines).toEqual([
    "info [FEED] resynced: depth snapshot",
    "warn [FEED] resynced: sequence gap",
    "warn [FEED] disconnected: closed",
    "info [FEED] connected: reconnected",
    "info [FEED] resynced: depth snapshot",
  ]);
});
