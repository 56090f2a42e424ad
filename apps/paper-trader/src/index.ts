/** @mmkit/paper-trader — the GLFT quote loop end to end, importable for embedding and tests. */
export * from "./config.js";
export { parseCli, UsageError, FLAGS } from "./cli-args.js";
export { runPaperTrader, type RunOptions, type RunResult } from "./run.js";
export { archivePreviousRun } from "./archive.js";
export { APP_VERSION } from "./manifest.js";
export { PaperTrader, QUOTE_INTERVAL_MS, REQUOTE_THRESHOLD_BPS } from "./trader.js";
export { PRIMARY_HORIZON_MS } from "./trader-analytics.js";
export { OrderManager } from "./order-manager.js";
export { buildParts, chooseOrderSize } from "./build.js";
export { createSource, inferFixedTickRules } from "./source.js";
export { edgeValidationReport } from "./report.js";
export { createLogger } from "./logging.js";
export { HEAP_GROWING_FLAG, tuneHeapForLongRuns, YOUNG_GENERATION_FLAG } from "./heap-tuning.js";
export { RunMetrics } from "./metrics.js";
