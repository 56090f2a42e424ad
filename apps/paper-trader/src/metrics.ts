import { type Server, createServer } from "node:http";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus metrics of a paper-trading run. */
export class RunMetrics {
  readonly registry = new Registry();
  readonly pnlQuote = new Gauge({
    name: "mmkit_pnl_quote",
    help: "total PnL in quote currency",
    registers: [this.registry],
  });
  readonly equityQuote = new Gauge({
    name: "mmkit_equity_quote",
    help: "equity in quote currency",
    registers: [this.registry],
  });
  readonly positionBase = new Gauge({
    name: "mmkit_position_base",
    help: "position in base units",
    registers: [this.registry],
  });
  readonly halfSpreadBps = new Gauge({
    name: "mmkit_half_spread_bps",
    help: "quoted half-spread at the touch (bps)",
    registers: [this.registry],
  });
  readonly fills = new Counter({
    name: "mmkit_fills_total",
    help: "fills",
    labelNames: ["side"],
    registers: [this.registry],
  });
  readonly killSwitchState = new Gauge({
    name: "mmkit_kill_switch_state",
    help: "kill switch state: 0 active, 1 reduce-only, 2 halted",
    registers: [this.registry],
  });
  readonly feedStalenessSec = new Gauge({
    name: "mmkit_feed_staleness_seconds",
    help: "age of the last market data",
    registers: [this.registry],
  });
  readonly eventsPerSec = new Gauge({
    name: "mmkit_events_per_second",
    help: "market events processed per second",
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: "mmkit_events_total",
    help: "market events processed",
    registers: [this.registry],
  });
  private server: Server | null = null;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "mmkit_process_" });
  }

  /** Serve /metrics on 127.0.0.1:port (0 = any free port). Resolves to the bound port. */
  async serve(port: number): Promise<number> {
    this.server = createServer((req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end("not found; try /metrics\n");
        return;
      }
      this.registry
        .metrics()
        .then((body) => res.writeHead(200, { "content-type": this.registry.contentType }).end(body))
        .catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    const addr = server.address();
    return typeof addr === "object" && addr !== null ? addr.port : port;
  }

  /** Stop the HTTP server. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
