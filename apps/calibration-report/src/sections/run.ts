/** Run-level sections: fill totals and run events. */
import type { EventRecord, FillRecord } from "@mmkit/analytics";
import type { EventsModel } from "../model.js";

/** Fill counts, volume, fees and spread capture. */
export class FillSection {
  fills = 0;
  buy = 0;
  maker = 0;
  volumeBase = 0;
  volumeQuote = 0;
  feesQuote = 0;
  spreadCaptureQuote = 0;

  /** Add one fill. */
  add(r: FillRecord): void {
    this.fills++;
    if (r.side === "buy") this.buy++;
    if (r.liquidity === "maker") this.maker++;
    const size = Math.abs(r.size);
    this.volumeBase += size;
    this.volumeQuote += size * r.price;
    this.feesQuote += r.fee;
    this.spreadCaptureQuote += r.spread_capture;
  }
}

/** Run events: all counted by kind, the first `maxEvents` listed. */
export class EventsSection {
  readonly model: EventsModel = {
    total: 0,
    killSwitchTransitions: 0,
    killSwitchHalts: 0,
    firstHalt: null,
    countsByKind: {},
    events: [],
    truncated: false,
  };

  constructor(private readonly maxEvents: number) {}

  /** Add one event. */
  add(r: EventRecord): void {
    const m = this.model;
    m.total++;
    m.countsByKind[r.kind] = (m.countsByKind[r.kind] ?? 0) + 1;
    if (r.kind === "kill_switch") {
      m.killSwitchTransitions++;
      if (r.to === "halted") {
        m.killSwitchHalts++;
        m.firstHalt ??= { tsMs: r.ts_ms, reason: r.reason ?? null };
      }
    }
    if (m.events.length < this.maxEvents) {
      m.events.push({
        tsMs: r.ts_ms,
        kind: r.kind,
        from: r.from ?? null,
        to: r.to ?? null,
        reason: r.reason ?? null,
      });
    } else {
      m.truncated = true;
    }
  }
}
