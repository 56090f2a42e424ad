import type { MarketEvent, PriceLevel } from "@mmkit/core";
import { z } from "zod";

/** Decimal string as Hyperliquid sends prices and sizes ("105055.0"). */
const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, "decimal string");

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
  | { kind: "events"; channel: "l2Book" | "trades" | "bbo"; coin: string; events: MarketEvent[] }
  | { kind: "mids"; mids: Record<string, number>; localTsMs: number }
  | { kind: "pong" }
  | { kind: "ignored"; channel: string }
  | { kind: "invalid"; error: string };

function levels(raw: readonly { px: string; sz: string; n: number }[]): PriceLevel[] {
  const out: PriceLevel[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i]!;
    out[i] = { price: Number(l.px), size: Number(l.sz), count: l.n };
  }
  return out;
}

function issueText(err: z.ZodError): string {
  const first = err.issues[0];
  return first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "schema error";
}

/** Validate and normalize an already JSON-parsed Hyperliquid frame. */
export function normalizeHyperliquid(json: unknown, localTsMs: number): HlParsed {
  const env = hlEnvelopeSchema.safeParse(json);
  if (!env.success) return { kind: "invalid", error: `envelope ${issueText(env.error)}` };
  const { channel, data } = env.data;
  switch (channel) {
    case "l2Book": {
      const r = hlL2BookSchema.safeParse(data);
      if (!r.success) return { kind: "invalid", error: `l2Book ${issueText(r.error)}` };
      const d = r.data;
      const bids = levels(d.levels[0]);
      const asks = levels(d.levels[1]);
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
      const events: MarketEvent[] = r.data.map((t) => ({
        type: "trade",
        exchangeTsMs: t.time,
        localTsMs,
        trade: {
          price: Number(t.px),
          size: Number(t.sz),
          aggressor: t.side === "B" ? "buy" : "sell",
          exchangeTsMs: t.time,
          localTsMs,
          ...(t.tid !== undefined ? { id: String(t.tid) } : {}),
        },
      }));
      return { kind: "events", channel, coin: r.data[0]?.coin ?? "", events };
    }
    case "bbo": {
      const r = hlBboSchema.safeParse(data);
      if (!r.success) return { kind: "invalid", error: `bbo ${issueText(r.error)}` };
      const [bid, ask] = r.data.bbo;
      if (!bid || !ask) return { kind: "ignored", channel: "bbo(one-sided)" };
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
    default:
      return { kind: "ignored", channel };
  }
}

/** Parse (JSON) + validate + normalize one raw Hyperliquid websocket frame. Never throws. */
export function parseHyperliquidFrame(text: string, localTsMs: number): HlParsed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { kind: "invalid", error: `malformed JSON: ${(err as Error).message}` };
  }
  return normalizeHyperliquid(json, localTsMs);
}
