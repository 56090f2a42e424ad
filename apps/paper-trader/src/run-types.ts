/** Options and outcome of `runPaperTrader`. */
import type { Logger } from "pino";

/** Options of `runPaperTrader`. */
export interface RunOptions {
  logger: Logger;
  /** Where the final report is printed (default stdout). */
  print?: (line: string) => void;
  /** Install SIGINT/SIGTERM handlers that stop the run gracefully (default true). */
  handleSignals?: boolean;
  /** Stop request from the embedding program. */
  signal?: AbortSignal;
  /**
   * Config fields the user gave (flags, --config keys); on `--resume` the others come from the
   * checkpoint (see `resumedConfig`). Default: every field counts as given.
   */
  given?: ReadonlySet<string>;
}

/** Outcome of a run. */
export interface RunResult {
  stopReason: string;
  /** Why the replay's input holds no usable market data (no two-sided book: the CLI exits 1). */
  unusableInput?: string;
  /** Records the run could not write, or a final checkpoint it could not write (the CLI exits 1). */
  lostRecords?: string;
  report: string[];
  fills: number;
  events: number;
  outputDir: string;
}
