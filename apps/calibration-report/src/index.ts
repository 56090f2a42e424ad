/** @mmkit/calibration-report — the go/no-go report as an importable model, text, and HTML. */
export { buildReport, type BuildReportOptions } from "./build-report.js";
export {
  type Criteria,
  type CriteriaInput,
  CriteriaSchema,
  DEFAULT_CRITERIA,
  loadCriteria,
  parseCriteria,
} from "./criteria.js";
export { MinMaxDownsampler, type SeriesPoint } from "./downsample.js";
export { FixedHistogram, type HistogramBin, type HistogramView } from "./histogram.js";
export { type CliIo, EXIT_USAGE, main, parseArgs, type CliOptions } from "./main.js";
export * from "./model.js";
export { renderHtml } from "./render-html.js";
export { renderText, TEXT_WIDTH } from "./render-text.js";
export {
  DEFAULT_ORDER_TOLERANCE_MS,
  RUN_START_KINDS,
  type OrderedStream,
  type RunMixingModel,
} from "./run-mixing.js";
export { SPAN_SLACK_MS, type SpanFinding } from "./stream-spans.js";
export { inRange, makeTimeRange, parseTimeBound, type TimeRange } from "./time-range.js";
export {
  type CriterionResult,
  type CriterionStatus,
  computeVerdict,
  exitCodeFor,
  type OverallVerdict,
  type Verdict,
  type VerdictInputs,
} from "./verdict.js";
