export * from "./events.js";
export * from "./latency.js";
export * from "./fill-models.js";
export * from "./ledger.js";
export * from "./records.js";
export * from "./fill-prediction.js";
export * from "./config.js";
export * from "./paper-exchange.js";
