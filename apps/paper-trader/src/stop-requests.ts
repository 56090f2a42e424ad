/** Requests to stop a run from outside its loop: signals, an abort, the live timer. */
import type { Logger } from "pino";

/** The run's stop requests: the first one wins; a user's (signal, abort) is a pause. */
export class StopRequests {
  private stopReason: string | null = null;
  private readonly aborter = new AbortController();
  /** The first stop asked for (null: none yet). */
  get reason(): string | null {
    return this.stopReason;
  }
  /** Aborts at the first stop asked for: a paced replay's wait for its next event ends at once. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }
  /** The stop a user asked for (signal, abort): the run pauses, resumable. */
  pause: string | null = null;
  private readonly logger: Logger;
  private readonly handleSignals: boolean;
  private readonly onSignal = (sig: NodeJS.Signals): void => {
    // A second signal must not kill the shutdown half-way (no report, no checkpoint): say so, carry on.
    if (this.reason !== null) {
      this.logger.warn(
        `[SHUTDOWN] ${sig} received: already stopping (${this.reason}), finishing the report and files`,
      );
      return;
    }
    this.pause = `signal ${sig}`;
    this.stop(this.pause);
  };

  /** Listen for SIGINT/SIGTERM/SIGHUP (when `handleSignals`) and for `signal`'s abort. */
  constructor(logger: Logger, handleSignals: boolean, signal: AbortSignal | undefined) {
    this.logger = logger;
    this.handleSignals = handleSignals;
    if (handleSignals) {
      process.on("SIGINT", this.onSignal);
      process.on("SIGTERM", this.onSignal);
      // a closed terminal or SSH session: stop as asked (a resumable pause), not die like a SIGKILL
      process.on("SIGHUP", this.onSignal);
    }
    signal?.addEventListener("abort", () => {
      this.pause ??= "aborted";
      this.stop(this.pause);
    });
  }

  /** Ask the run to stop, unless a stop was asked for already. */
  request(reason: string): void {
    this.stop(reason);
  }

  private stop(reason: string): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    this.aborter.abort();
  }

  /** Whether a run that stopped for `stopReason` stopped because a user asked: a pause. */
  paused(stopReason: string): boolean {
    return this.pause !== null && stopReason === this.pause;
  }

  /** Stop handling signals (once everything is written and printed). */
  dispose(): void {
    if (this.handleSignals) {
      process.removeListener("SIGINT", this.onSignal);
      process.removeListener("SIGTERM", this.onSignal);
      process.removeListener("SIGHUP", this.onSignal);
    }
  }
}
