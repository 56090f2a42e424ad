/** Synthetic run-directory generator for the throughput/memory benchmark (seeded, realistic stream mix). */
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SeededRandom, STREAM_FILES } from "@mmkit/analytics";

/** What was generated. */
export interface GeneratedRun {
  dir: string;
  bytes: number;
  cycles: number;
  fills: number;
}

class Sink {
  private buf: string[] = [];
  private len = 0;
  bytes = 0;
  constructor(private readonly ws: WriteStream) {}
  async push(line: string): Promise<void> {
    this.buf.push(line);
    this.len += line.length;
    if (this.len >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const chunk = this.buf.join("");
    this.bytes += Buffer.byteLength(chunk);
    this.buf = [];
    this.len = 0;
    if (!this.ws.write(chunk)) await once(this.ws, "drain");
  }
  async close(): Promise<void> {
    await this.flush();
    this.ws.end();
    await once(this.ws, "finish");
  }
}

/**
 * Write a synthetic run of about `targetBytes` into `dir`: quote cycles every 100 ms with 3 signals,
 * 4 quoted levels with fill forecasts at 100 ms / 1 s / 10 s, ~5% fills with markouts, equity every second.
 */
export async function generateRun(dir: string, targetBytes: number, seed = 42): Promise<GeneratedRun> {
  await mkdir(dir, { recursive: true });
  const rng = new SeededRandom(seed);
  const open = (name: keyof typeof STREAM_FILES): Sink =>
    new Sink(createWriteStream(join(dir, STREAM_FILES[name])));
  const sinks = {
    signal_contributions: open("signal_contributions"),
    predictions: open("predictions"),
    fills: open("fills"),
    edge_validation: open("edge_validation"),
    equity: open("equity"),
    events: open("events"),
  };
  const t0 = 1_723_161_600_000;
  await writeFile(
    join(dir, "run.json"),
    JSON.stringify({
      schema_version: 1,
      run_id: `bench-${seed}`,
      started_ts_ms: t0,
      ended_ts_ms: null,
      seed,
      source: { kind: "synthetic" },
      fill_model: "queue",
      config: {},
      versions: {},
    }),
  );
  const total = (): number => Object.values(sinks).reduce((a, s) => a + s.bytes, 0);
  let mid = 60_000;
  let eq = 100_000;
  let cycles = 0;
  let fills = 0;
  const stamp = (ts: number) => `"schema_version":1,"ts_ms":${ts},"timestamp_ns":${ts * 1e6}`;
  while (total() < targetBytes) {
    for (let k = 0; k < 1000; k++) {
      const ts = t0 + cycles * 100;
      mid *= 1 + (rng.next() - 0.5) * 2e-4;
      const knife = rng.next() < 0.2;
      await sinks.signal_contributions.push(
        `{${stamp(ts)},"cycle_id":${cycles},"contributions":[{"signal_name":"regime","spread_adjustment_bps":0.5,"skew_adjustment_bps":0,"was_active":true,"gating_weight":0.9,"raw_value":1},{"signal_name":"knife","spread_adjustment_bps":${knife ? 2 : 0},"skew_adjustment_bps":${knife ? -1 : 0},"was_active":${knife},"gating_weight":1,"raw_value":${rng.next().toFixed(4)}},{"signal_name":"alpha_kappa","spread_adjustment_bps":0,"skew_adjustment_bps":0.3,"was_active":true,"gating_weight":0.5,"raw_value":0.1}],"total_spread_mult":1.02,"combined_skew_bps":0.3}\n`,
      );
      for (let level = 0; level < 4; level++) {
        const side = level % 2 === 0 ? "buy" : "sell";
        const depth = 1 + Math.floor(level / 2) * 2;
        const p1 = 0.3 / depth;
        const filled = rng.next() < p1;
        await sinks.predictions.push(
          `{${stamp(ts)},"cycle_id":${cycles},"level":${level >> 1},"side":"${side}","price":${(mid * (1 + (side === "buy" ? -depth : depth) * 1e-4)).toFixed(1)},"size":0.01,"depth_from_mid_bps":${depth},"fill_model":"queue","horizons":[{"horizon_ms":100,"p_fill":${(p1 / 5).toFixed(4)},"filled":${filled && rng.next() < 0.2},"censored":false},{"horizon_ms":1000,"p_fill":${p1.toFixed(4)},"filled":${filled},"censored":false},{"horizon_ms":10000,"p_fill":${Math.min(1, p1 * 2).toFixed(4)},"filled":null,"censored":true}],"p_fill_1s":${p1.toFixed(4)},"p_adverse_given_fill":0.45,"adverse":${filled ? rng.next() < 0.45 : null},"censored":true}\n`,
        );
        if (filled && level < 2 && rng.next() < 0.3) {
          fills++;
          const e1 = (rng.next() - 0.45) * 6;
          const e10 = e1 + (rng.next() - 0.5) * 4;
          const price = mid.toFixed(1);
          await sinks.fills.push(
            `{${stamp(ts)},"fill_id":"f${fills}","order_id":"o${fills}","cycle_id":${cycles},"level":0,"side":"${side}","price":${price},"size":0.01,"fee":-0.012,"fee_bps":-0.2,"liquidity":"maker","mid_at_fill":${price},"position_after":0,"spread_capture":0.06,"realized_pnl":null,"cum_pnl":null}\n`,
          );
          await sinks.edge_validation.push(
            `{${stamp(ts)},"fill_id":"f${fills}","cycle_id":${cycles},"side":"${side}","price":${price},"size":0.01,"predicted_spread_bps":1,"realized_spread_bps":1,"predicted_as_bps":0.4,"realized_as_bps":${(1.2 - e1).toFixed(3)},"fee_bps":-0.2,"predicted_edge_bps":0.8,"realized_edge_bps":${e1.toFixed(3)},"gross_edge_bps":${(e1 - 0.2).toFixed(3)},"mid_at_placement":${price},"mid_at_fill":${price},"markout_as_bps":${(1.2 - e1).toFixed(3)},"primary_horizon_ms":1000,"markouts":[{"horizon_ms":1000,"mid":${price},"realized_as_bps":0,"realized_edge_bps":${e1.toFixed(3)}},{"horizon_ms":10000,"mid":${price},"realized_as_bps":0,"realized_edge_bps":${e10.toFixed(3)}}]}\n`,
          );
          eq += e1 * 0.06;
        }
      }
      if (cycles % 10 === 0) {
        eq += (rng.next() - 0.49) * 2;
        await sinks.equity.push(
          `{${stamp(ts)},"equity":${eq.toFixed(4)},"position":0,"mid":${mid.toFixed(2)},"realized_pnl":${(eq - 100_000).toFixed(4)},"unrealized_pnl":0,"fees_paid":0}\n`,
        );
      }
      if (cycles % 50_000 === 0) {
        await sinks.events.push(
          `{${stamp(ts)},"kind":"kill_switch","from":"normal","to":"reduce_only","reason":"bench"}\n`,
        );
      }
      cycles++;
    }
  }
  for (const s of Object.values(sinks)) await s.close();
  return { dir, bytes: total(), cycles, fills };
}
