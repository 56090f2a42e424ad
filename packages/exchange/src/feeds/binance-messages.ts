import type { MarketEvent, PriceLevel } from "@mmkit/core";
import { z } from "zod";
import { isDecimalValue } from "./decimal.js";
import { badPrintField } from "./print-check.js";

/** A price or size: a decimal string as the venue sends it, or a finite number (converted captures). */
const dec = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, "decimal string"), z.number().finite()]);
const levelTuple = z.tuple([dec, dec]).rest(z.unknown());

/** `bookTicker` payload (futures carries `E`/`T`; spot has neither). */
export const bnBookTickerSchema = z.object({
  e: z.literal("bookTicker").optional(),
  u: z.number(),
  s: z.string(),
  b: dec,
  B: dec,
  a: dec,
  A: dec,
  T: z.number().optional(),
  E: z.number().optional(),
});

/** `depthUpdate` payload: level replacements with first/last update ids (`pu` on futures). */
export const bnDepthSchema = z.object({
  e: z.literal("depthUpdate"),
  E: z.number(),
  T: z.number().optional(),
  s: z.string(),
  U: z.number(),
  u: z.number(),
  pu: z.number().optional(),
  b: z.array(levelTuple),
  a: z.array(levelTuple),
});

/** `trade` / `aggTrade` payload; `m` = buyer is maker (so aggressor sold); `X` = futures trade type. */
export const bnTradeSchema = z.object({
  e: z.enum(["trade", "aggTrade"]),
  E: z.number(),
  T: z.number(),
  s: z.string(),
  t: z.number().optional(),
  a: z.number().optional(),
  /** `aggTrade`: first and last `@trade` id it aggregates. */
  f: z.number().optional(),
  l: z.number().optional(),
  p: dec,
  q: dec,
  m: z.boolean(),
  X: z.string().optional(),
});

type BnBookTicker = z.infer<typeof bnBookTickerSchema>;
type BnDepth = z.infer<typeof bnDepthSchema>;
type BnTrade = z.infer<typeof bnTradeSchema>;

// Fast guards for the three hot payloads: the same rules as the schemas above, checked in place
// (zod copies every frame into a new object and runs the decimal regex: ~15 % of a replay). A frame
// that fails a guard goes through zod, which accepts it or words the error, so results are zod's.
const isDec = isDecimalValue;
const optNum = (x: unknown): boolean => x === undefined || typeof x === "number";

/** Whether `o` passes `bnBookTickerSchema` as it is (the fields the normalizer reads are valid). */
export function isBnBookTicker(o: Record<string, unknown>): boolean {
  return (
    (o["e"] === undefined || o["e"] === "bookTicker") &&
    typeof o["u"] === "number" &&
    typeof o["s"] === "string" &&
    isDec(o["b"]) &&
    isDec(o["B"]) &&
    isDec(o["a"]) &&
    isDec(o["A"]) &&
    optNum(o["T"]) &&
    optNum(o["E"])
  );
}

function isLevelArray(x: unknown): boolean {
  if (!Array.isArray(x)) return false;
  for (let i = 0; i < x.length; i++) {
    const l: unknown = x[i];
    if (!Array.isArray(l) || l.length < 2 || !isDec(l[0]) || !isDec(l[1])) return false;
  }
  return true;
}

/** Whether `o` passes `bnDepthSchema` as it is. */
export function isBnDepth(o: Record<string, unknown>): boolean {
  return (
    o["e"] === "depthUpdate" &&
    typeof o["E"] === "number" &&
    optNum(o["T"]) &&
    typeof o["s"] === "string" &&
    typeof o["U"] === "number" &&
    typeof o["u"] === "number" &&
    optNum(o["pu"]) &&
    isLevelArray(o["b"]) &&
    isLevelArray(o["a"])
  );
}

/** Whether `o` passes `bnTradeSchema` as it is. */
export function isBnTrade(o: Record<string, unknown>): boolean {
  return (
    (o["e"] === "trade" || o["e"] === "aggTrade") &&
    typeof o["E"] === "number" &&
    typeof o["T"] === "number" &&
    typeof o["s"] === "string" &&
    optNum(o["t"]) &&
    optNum(o["a"]) &&
    optNum(o["f"]) &&
    optNum(o["l"]) &&
    isDec(o["p"]) &&
    isDec(o["q"]) &&
    typeof o["m"] === "boolean" &&
    (o["X"] === undefined || typeof o["X"] === "string")
  );
}

/** REST depth snapshot (`/fapi/v1/depth`). */
export const bnDepthSnapshotSchema = z.object({
  lastUpdateId: z.number(),
  E: z.number().optional(),
  T: z.number().optional(),
  bids: z.array(levelTuple),
  asks: z.array(levelTuple),
});

/** A depth snapshot from REST (or any pluggable source). */
export type BinanceDepthSnapshot = z.infer<typeof bnDepthSnapshotSchema>;

/** Result of parsing one Binance frame. */
export type BnParsed =
  | {
      kind: "bbo";
      event: MarketEvent & { type: "bbo" };
      updateId: number;
      symbol: string;
      /** False when the frame carries no exchange time (spot `bookTicker`): `exchangeTsMs` is then the local time. */
      hasExchangeTime: boolean;
    }
  | {
      kind: "depth";
      symbol: string;
      event: MarketEvent & { type: "delta" };
      firstId: number;
      lastId: number;
      prevId?: number;
    }
  | {
      kind: "trade";
      event: MarketEvent & { type: "trade" };
      symbol: string;
      /** Stream the print came from: `trade` ids (`t`) and `aggTrade` ids (`a`) are separate sequences. */
      eventType: "trade" | "aggTrade";
      /** `aggTrade` only: the first and last `@trade` ids it aggregates (`f`, `l`), when the frame has them. */
      tradeIds?: { first: number; last: number };
    }
  | { kind: "nonMarketTrade"; tradeType: string; symbol: string }
  | { kind: "ignored"; what: string }
  | { kind: "invalid"; error: string };

/** Convert `[["price","qty"], ...]` to levels. */
export function binanceLevels(raw: readonly (readonly unknown[])[]): PriceLevel[] {
  const out: PriceLevel[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i]!;
    out[i] = { price: Number(l[0]), size: Number(l[1]) };
  }
  return out;
}

function issueText(err: z.ZodError): string {
  const first = err.issues[0];
  return first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "schema error";
}

function payloadKind(data: Record<string, unknown>, stream: string): string {
  if (typeof data["e"] === "string") return data["e"];
  if (stream.endsWith("@bookTicker") || ("b" in data && "A" in data && "u" in data)) return "bookTicker";
  return "unknown";
}

/** Validate and normalize an already JSON-parsed Binance frame (combined envelope or raw payload). */
export function normalizeBinance(json: unknown, localTsMs: number): BnParsed {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { kind: "invalid", error: "frame is not a JSON object" };
  }
  let obj = json as Record<string, unknown>;
  let stream = "";
  if ("stream" in obj && "data" in obj) {
    if (typeof obj["stream"] !== "string" || typeof obj["data"] !== "object" || obj["data"] === null) {
      return { kind: "invalid", error: "combined envelope needs string `stream` and object `data`" };
    }
    stream = obj["stream"];
    obj = obj["data"] as Record<string, unknown>;
  }
  if ("result" in obj && "id" in obj) return { kind: "ignored", what: "subscription ack" };
  const kind = payloadKind(obj, stream);
  switch (kind) {
    case "bookTicker": {
      let d: BnBookTicker;
      if (isBnBookTicker(obj)) d = obj as BnBookTicker;
      else {
        const r = bnBookTickerSchema.safeParse(obj);
        if (!r.success) return { kind: "invalid", error: `bookTicker ${issueText(r.error)}` };
        d = r.data;
      }
      // Binance spells an empty side "0.00"/"0.000": no top of book to apply.
      if (!(Number(d.b) > 0) || !(Number(d.a) > 0)) {
        return { kind: "invalid", error: `bookTicker ${d.s}: empty side (bid ${d.b}, ask ${d.a})` };
      }
      const ts = d.T ?? d.E ?? localTsMs;
      return {
        kind: "bbo",
        updateId: d.u,
        symbol: d.s,
        hasExchangeTime: d.T !== undefined || d.E !== undefined,
        event: {
          type: "bbo",
          exchangeTsMs: ts,
          localTsMs,
          bbo: { bidPrice: Number(d.b), bidSize: Number(d.B), askPrice: Number(d.a), askSize: Number(d.A) },
        },
      };
    }
    case "depthUpdate": {
      let d: BnDepth;
      if (isBnDepth(obj)) d = obj as BnDepth;
      else {
        const r = bnDepthSchema.safeParse(obj);
        if (!r.success) return { kind: "invalid", error: `depthUpdate ${issueText(r.error)}` };
        d = r.data;
      }
      return {
        kind: "depth",
        symbol: d.s,
        firstId: d.U,
        lastId: d.u,
        ...(d.pu !== undefined ? { prevId: d.pu } : {}),
        event: {
          type: "delta",
          exchangeTsMs: d.T ?? d.E,
          localTsMs,
          bids: binanceLevels(d.b),
          asks: binanceLevels(d.a),
        },
      };
    }
    case "trade":
    case "aggTrade": {
      let d: BnTrade;
      if (isBnTrade(obj)) d = obj as BnTrade;
      else {
        const r = bnTradeSchema.safeParse(obj);
        if (!r.success) return { kind: "invalid", error: `${kind} ${issueText(r.error)}` };
        d = r.data;
      }
      if (d.X !== undefined && d.X !== "MARKET")
        return { kind: "nonMarketTrade", tradeType: d.X, symbol: d.s };
      const price = Number(d.p);
      const size = Number(d.q);
      // A print at price 0 (or of size ≤ 0) is no trade: skipped and counted as a bad frame.
      const bad = badPrintField(price, size, d.p, d.q, { price: "p", size: "q" });
      if (bad !== null) return { kind: "invalid", error: `${kind} ${d.s} ${bad}` };
      const id = d.t ?? d.a;
      return {
        kind: "trade",
        symbol: d.s,
        eventType: d.e,
        ...(d.e === "aggTrade" && d.f !== undefined && d.l !== undefined
          ? { tradeIds: { first: d.f, last: d.l } }
          : {}),
        event: {
          type: "trade",
          exchangeTsMs: d.T,
          localTsMs,
          trade: {
            price,
            size,
            aggressor: d.m ? "sell" : "buy",
            exchangeTsMs: d.T,
            localTsMs,
            ...(id !== undefined ? { id: String(id) } : {}),
          },
        },
      };
    }
    default:
      return { kind: "ignored", what: `event ${kind}` };
  }
}

/** Parse (JSON) + validate + normalize one raw Binance websocket frame. Never throws. */
export function parseBinanceFrame(text: string, localTsMs: number): BnParsed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { kind: "invalid", error: `malformed JSON: ${(err as Error).message}` };
  }
  return normalizeBinance(json, localTsMs);
}
