import type { MarketEvent, PriceLevel } from "@mmkit/core";
import { z } from "zod";

import { isDecimalString, isDecimalValue } from "./decimal.js";
import { scanL2BookFrame } from "./hyperliquid-l2book-scan.js";
import { type BadPrints, badPrintField } from "./print-check.js";
import { mergeHyperliquidPrints } from "./print-merge.js";

export { isDecimalString };

/** Pattern of a decimal string as Hyperliquid sends prices and sizes ("105055.0"). */
const DECIMAL_RE = /^-?\d+(\.\d+)?$/;
/** A price or size: a decimal string as Hyperliquid sends it, or a finite number (converted captures). */
const decimalString = z.union([z.string().regex(DECIMAL_RE, "decimal string"), z.number().finite()]);

/** One book level `{px, sz, n}`. */
export const hlLevelSchema = z.object({
  px: decimalString,
  sz: decimalString,
  n: z.number().int().nonnegative(),
});

/** `l2Book` channel payload (full snapshot: `levels` = [bids, asks]). */
export const hlL2BookSchema = z.object({
  coin: z.string(),
  time: z.number().int().nonnegative(),
  levels: z.tuple([z.array(hlLevelSchema), z.array(hlLevelSchema)]),
});

/** One trade of the `trades` channel; `side` B = aggressor buy, A = aggressor sell. */
export const hlTradeSchema = z.object({
  coin: z.string(),
  side: z.enum(["B", "A"]),
  px: decimalString,
  sz: decimalString,
  time: z.number().int().nonnegative(),
  tid: z.number().optional(),
  hash: z.string().optional(),
});

/** Parsed `trades` entry. */
type HlTrade = z.infer<typeof hlTradeSchema>;

/** Parsed `l2Book` payload. */
export type HlL2Book = z.infer<typeof hlL2BookSchema>;

/** Validate (as `hlL2BookSchema` does) and convert one side in a single pass; null when invalid. */
function fastLevels(x: unknown): PriceLevel[] | null {
  if (!Array.isArray(x)) return null;
  const out: PriceLevel[] = new Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const l: unknown = x[i];
    if (typeof l !== "object" || l === null || Array.isArray(l)) return null;
    const { px, sz, n } = l as Record<string, unknown>;
    if (!isDecimalValue(px) || !isDecimalValue(sz)) return null;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return null;
    const price = Number(px);
    const size = Number(sz);
    if (!Number.isFinite(price) || !Number.isFinite(size)) return null;
    out[i] = { price, size, count: n };
  }
  return out;
}

function isLevelArray(x: unknown): boolean {
  return fastLevels(x) !== null;
}

/**
 * Hot-path check with exactly the acceptance of `hlL2BookSchema` (a property test holds the two
 * equal). Messages failing it go through zod for a precise error; passing ones skip the slower
 * generic zod walk.
 */
export function isHlL2Book(x: unknown): x is HlL2Book {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  if (typeof o["coin"] !== "string") return false;
  const time = o["time"];
  if (typeof time !== "number" || !Number.isSafeInteger(time) || time < 0) return false;
  const lv = o["levels"];
  return Array.isArray(lv) && lv.length === 2 && isLevelArray(lv[0]) && isLevelArray(lv[1]);
}

/** `bbo` channel payload: `bbo` = [bid | null, ask | null]. */
export const hlBboSchema = z.object({
  coin: z.string(),
  time: z.number().int().nonnegative(),
  bbo: z.tuple([hlLevelSchema.nullable(), hlLevelSchema.nullable()]),
});

/** `allMids` channel payload. */
export const hlAllMidsSchema = z.object({ mids: z.record(z.string(), decimalString) });

/** Any inbound Hyperliquid frame: a `channel` plus channel-specific `data`. */
export const hlEnvelopeSchema = z.object({ channel: z.string(), data: z.unknown().optional() });

/** Result of parsing one inbound Hyperliquid frame. */
export type HlParsed =
  | {
      kind: "events";
      channel: "l2Book" | "trades" | "bbo";
      coin: string;
      events: MarketEvent[];
      /** Trades: prints merged into the one before (one taker order at one price; see print-merge.ts). */
      mergedPrints?: number;
      /** Trades: prints dropped as no trade (price or size ≤ 0). */
      badPrints?: BadPrints;
    }
  | { kind: "mids"; mids: Record<string, number>; localTsMs: number }
  | { kind: "pong" }
  /** An `error` channel frame (e.g. `Invalid subscription …`, `Websocket rate limited`): `data` as text. */
  | { kind: "venueError"; message: string }
  | { kind: "ignored"; channel: string }
  | { kind: "invalid"; error: string };

/** The l2Book hot path: one validating, converting pass; null sends the frame through zod for the error. */
function fastL2Book(data: unknown, localTsMs: number): HlParsed | null {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  const d = data as Record<string, unknown>;
  const coin = d["coin"];
  const time = d["time"];
  const lv = d["levels"];
  if (typeof coin !== "string" || typeof time !== "number" || !Number.isSafeInteger(time) || time < 0)
    return null;
  if (!Array.isArray(lv) || lv.length !== 2) return null;
  const bids = fastLevels(lv[0]);
  if (bids === null) return null;
  const asks = fastLevels(lv[1]);
  if (asks === null) return null;
  return {
    kind: "events",
    channel: "l2Book",
    coin,
    events: [{ type: "snapshot", exchangeTsMs: time, localTsMs, bids, asks }],
  };
}

/** Levels as numbers, or the path of the first field that is not a finite decimal. */
function levels(
  raw: readonly { px: string | number; sz: string | number; n: number }[],
  path: string,
): PriceLevel[] | string {
  const out: PriceLevel[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i]!;
    const price = Number(l.px);
    const size = Number(l.sz);
    if (!Number.isFinite(price)) return `${path}.${i}.px: decimal string`;
    if (!Number.isFinite(size)) return `${path}.${i}.sz: decimal string`;
    out[i] = { price, size, count: l.n };
  }
  return out;
}

function issueText(err: z.ZodError): string {
  const first = err.issues[0];
  return first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "schema error";
}

/** Validate and normalize an already JSON-parsed Hyperliquid frame. */
export function normalizeHyperliquid(json: unknown, localTsMs: number): HlParsed {
  let channel: string;
  let data: unknown;
  const o = json as { channel?: unknown; data?: unknown } | null;
  if (typeof o === "object" && o !== null && !Array.isArray(o) && typeof o.channel === "string") {
    // Same acceptance as hlEnvelopeSchema (a non-strict object with a string channel).
    channel = o.channel;
    data = o.data;
  } else {
    const env = hlEnvelopeSchema.safeParse(json);
    if (!env.success) return { kind: "invalid", error: `envelope ${issueText(env.error)}` };
    ({ channel, data } = env.data);
  }
  switch (channel) {
    case "l2Book": {
      const fast = fastL2Book(data, localTsMs);
      if (fast !== null) return fast;
      let d: HlL2Book;
      if (isHlL2Book(data)) d = data;
      else {
        const r = hlL2BookSchema.safeParse(data);
        if (!r.success) return { kind: "invalid", error: `l2Book ${issueText(r.error)}` };
        d = r.data;
      }
      const bids = levels(d.levels[0], "levels.0");
      if (typeof bids === "string") return { kind: "invalid", error: `l2Book ${bids}` };
      const asks = levels(d.levels[1], "levels.1");
      if (typeof asks === "string") return { kind: "invalid", error: `l2Book ${asks}` };
      return {
        kind: "events",
        channel,
        coin: d.coin,
        events: [{ type: "snapshot", exchangeTsMs: d.time, localTsMs, bids, asks }],
      };
    }
    case "trades": {
      const r = z.array(hlTradeSchema).safeParse(data);
      if (!r.success) return { kind: "invalid", error: `trades ${issueText(r.error)}` };
      // A print at price 0 (or of size ≤ 0) is no trade: it is dropped and reported, the frame's
      // other prints kept (a frame batches many takers' prints); a frame of only such prints is bad.
      const good: HlTrade[] = [];
      let badPrints: BadPrints | undefined;
      for (const [i, t] of r.data.entries()) {
        const bad = badPrintField(Number(t.px), Number(t.sz), t.px, t.sz, {
          price: `${i}.px`,
          size: `${i}.sz`,
        });
        if (bad === null) good.push(t);
        else if (badPrints === undefined) badPrints = { count: 1, error: `trades ${t.coin} ${bad}` };
        else badPrints.count++;
      }
      if (badPrints !== undefined && good.length === 0) return { kind: "invalid", error: badPrints.error };
      // One taker order meeting several makers at one price is one print (see print-merge.ts).
      const prints = mergeHyperliquidPrints(good);
      const events: MarketEvent[] = prints.map(({ print: t, size, sweepContinues }) => ({
        type: "trade",
        exchangeTsMs: t.time,
        localTsMs,
        trade: {
          price: Number(t.px),
          size,
          aggressor: t.side === "B" ? "buy" : "sell",
          exchangeTsMs: t.time,
          localTsMs,
          ...(t.tid !== undefined ? { id: String(t.tid) } : {}),
          ...(sweepContinues ? { sweepContinues } : {}),
        },
      }));
      const mergedPrints = good.length - prints.length;
      return {
        kind: "events",
        channel,
        coin: r.data[0]?.coin ?? "",
        events,
        ...(mergedPrints > 0 ? { mergedPrints } : {}),
        ...(badPrints !== undefined ? { badPrints } : {}),
      };
    }
    case "bbo": {
      const r = hlBboSchema.safeParse(data);
      if (!r.success) return { kind: "invalid", error: `bbo ${issueText(r.error)}` };
      const [bid, ask] = r.data.bbo;
      if (!bid || !ask) return { kind: "ignored", channel: "bbo(one-sided)" };
      const lv = levels([bid, ask], "bbo");
      if (typeof lv === "string") return { kind: "invalid", error: `bbo ${lv}` };
      return {
        kind: "events",
        channel,
        coin: r.data.coin,
        events: [
          {
            type: "bbo",
            exchangeTsMs: r.data.time,
            localTsMs,
            bbo: {
              bidPrice: Number(bid.px),
              bidSize: Number(bid.sz),
              askPrice: Number(ask.px),
              askSize: Number(ask.sz),
            },
          },
        ],
      };
    }
    case "allMids": {
      const r = hlAllMidsSchema.safeParse(data);
      if (!r.success) return { kind: "invalid", error: `allMids ${issueText(r.error)}` };
      const mids: Record<string, number> = {};
      for (const [k, v] of Object.entries(r.data.mids)) mids[k] = Number(v);
      return { kind: "mids", mids, localTsMs };
    }
    case "pong":
      return { kind: "pong" };
    case "error": {
      const text = typeof data === "string" ? data : (JSON.stringify(data) ?? "(no data)");
      return { kind: "venueError", message: text.length > 500 ? `${text.slice(0, 500)}…` : text };
    }
    default:
      return { kind: "ignored", channel };
  }
}

/** Parse (JSON) + validate + normalize one raw Hyperliquid websocket frame. Never throws. */
export function parseHyperliquidFrame(text: string, localTsMs: number): HlParsed {
  // Hot path: the venue's canonical l2Book layout, scanned without JSON.parse (null → general path).
  const scanned = scanL2BookFrame(text, localTsMs);
  if (scanned !== null)
    return { kind: "events", channel: "l2Book", coin: scanned.coin, events: [scanned.event] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { kind: "invalid", error: `malformed JSON: ${(err as Error).message}` };
  }
  return normalizeHyperliquid(json, localTsMs);
}
