import { SyntheticMarket } from "./src/feeds/synthetic.js";
for (const cfg of [{ seed: 21, durationSec: 3 * 3600, marketOrders: { aPerSec: 0.05 } }, { seed: 7, durationSec: 3600 }]) {
  const m = new SyntheticMarket(cfg);
  const t0 = performance.now();
  let n = 0;
  for (const e of m.events()) n++;
  const dt = performance.now() - t0;
  console.log(n, dt.toFixed(0), "ms", (n / dt * 1000).toFixed(0), "ev/s", JSON.stringify(m.stats().events));
}
