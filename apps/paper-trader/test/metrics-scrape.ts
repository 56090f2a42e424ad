/** Scraping a run's /metrics in tests: the port it bound (from its log) and a poller. */
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";

/**
 * A logger for a run with `metricsPort: 0` (the OS picks a free port: a random fixed one can be in
 * use, e.g. by an outgoing socket in the ephemeral range) and the port the run logs it bound.
 */
export function boundMetricsPort(): { logger: Logger; port: () => number | null } {
  let port: number | null = null;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const m = /\[METRICS\] Prometheus metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(
        chunk.toString("utf8"),
      );
      if (m) port = Number(m[1]);
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), port: () => port };
}

/** Poll /metrics on the port `port()` names once it is known (null: not bound yet); keeps the last text. */
export function pollMetrics(port: () => number | null, everyMs: number): { text: string; stop: () => void } {
  const state = { text: "", stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    const p = port();
    if (p === null) return;
    fetch(`http://127.0.0.1:${p}/metrics`)
      .then((r) => r.text())
      .then((t) => {
        state.text = t;
      })
      .catch(() => {});
  }, everyMs);
  return state;
}
