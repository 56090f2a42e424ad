/**
 * Each numeric flag's documented range, at its edges: the bound itself is accepted and the nearest
 * value past it is a ConfigError naming the flag (exit 2 at the CLI).
 */
import { describe, expect, it } from "vitest";
import { ConfigError, validateFields } from "../src/config.js";

/** [config field, flag, accepted values, refused values]. */
const RANGES: readonly [string, string, readonly number[], readonly number[]][] = [
  ["durationSec", "--duration", [0.001, 366 * 86_400], [0, 366 * 86_400 + 1]],
  ["seed", "--seed", [0, 2 ** 32 - 1], [-1, 2 ** 32, 1.5]],
  ["gamma", "--gamma", [1e-12, 1e7], [0, 1e7 + 1]],
  ["ladderLevels", "--ladder-levels", [1, 20], [0, 21, 2.5]],
  ["ladderRatio", "--ladder-ratio", [1.000001, 5], [1, 5.000001]],
  ["minSpreadBps", "--min-spread-bps", [0, 1000], [-0.001, 1000.001]],
  ["fillProb", "--fill-prob", [0, 1], [-0.001, 1.001]],
  ["queueTradeLagMs", "--queue-trade-lag-ms", [0, 60_000], [-0.001, 60_000.001]],
  ["killDrawdownPct", "--kill-drawdown-pct", [0.001, 100], [0, 100.001]],
  ["metricsPort", "--metrics-port", [0, 65_535], [-1, 65_536, 80.5]],
  ["checkpointEveryMin", "--checkpoint-every-min", [0.001, 1440], [0, 1440.001]],
  ["analyticsEverySec", "--analytics-every-sec", [1, 86_400], [0.999, 86_400.001]],
  ["rotateMb", "--rotate-mb", [0.01, 4096], [0.0099, 4096.001]],
  ["orderSizeBase", "--order-size", [0.001], [0]],
  ["szDecimals", "--sz-decimals", [0, 6], [-1, 7, 1.5]],
  ["tickSize", "--tick-size", [0.01], [0]],
  ["lotSize", "--lot-size", [0.001], [0]],
  ["maxPositionLots", "--max-position-lots", [0.5, 1e9], [0, 1e9 + 1]],
  ["recordRotateMin", "--record-rotate-min", [0.001, 1440], [0, 1440.001]],
  ["makerFeeBps", "--maker-fee-bps", [-10, 100], [-10.001, 100.001]],
  ["takerFeeBps", "--taker-fee-bps", [-10, 100], [-10.001, 100.001]],
  ["latencyMs", "--latency-ms", [0, 10_000], [-0.001, 10_000.001]],
  ["crashAtSec", "--crash-at-sec", [0.001], [0]],
];

describe("each numeric flag's range", () => {
  it.each(RANGES)("%s (%s): the edges are accepted", (field, _flag, ok) => {
    for (const v of ok) expect(validateFields({ [field]: v }, "flag")[field as "seed"]).toBe(v);
  });

  it.each(RANGES)("%s (%s): just past an edge is a ConfigError naming the flag", (field, flag, _ok, bad) => {
    for (const v of bad) {
      let err: unknown;
      try {
        validateFields({ [field]: v }, "flag");
      } catch (e) {
        err = e;
      }
      expect(err, `${field}=${v}`).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message.startsWith(`invalid ${flag}: `), `${field}=${v}`).toBe(true);
    }
  });
});
