/** A one-line progress bar on a TTY stream: market time covered, events/s, ETA. Silent when not a TTY. */
export class ProgressBar {
  private lastDrawMs = 0;
  private visible = false;
  private readonly startWallMs: number;

  constructor(
    private readonly totalMarketMs: number,
    private readonly stream: Pick<NodeJS.WriteStream, "write"> = process.stderr,
    private readonly enabled = (stream as NodeJS.WriteStream).isTTY === true,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.startWallMs = nowMs();
  }

  /** Redraw at most every 200 ms of wall time (at once after a log line cleared it). */
  update(coveredMarketMs: number, events: number): void {
    if (!this.enabled) return;
    const now = this.nowMs();
    if (this.visible && now - this.lastDrawMs < 200) return;
    this.lastDrawMs = now;
    const frac = this.totalMarketMs > 0 ? Math.min(1, Math.max(0, coveredMarketMs / this.totalMarketMs)) : 0;
    const elapsedSec = (now - this.startWallMs) / 1000;
    const rate = elapsedSec > 0 ? events / elapsedSec : 0;
    const etaSec = frac > 0 ? (elapsedSec * (1 - frac)) / frac : Number.NaN;
    const width = 30;
    const filled = Math.round(frac * width);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const line = `${bar} ${(frac * 100).toFixed(1)}%  market ${formatDuration(coveredMarketMs / 1000)}/${formatDuration(this.totalMarketMs / 1000)}  ${Math.round(rate).toLocaleString("en-US")} ev/s  ETA ${Number.isFinite(etaSec) ? formatDuration(etaSec) : "?"}`;
    this.stream.write(`\r${line}\x1b[K`);
    this.visible = true;
    transient = this;
  }

  /** Erase the bar if it is drawn (the next `update` redraws it). */
  clear(): void {
    if (!this.visible) return;
    this.stream.write("\r\x1b[K");
    this.visible = false;
  }

  /** Clear the bar line for good. */
  done(): void {
    this.clear();
    if (transient === this) transient = null;
  }
}

/** The progress bar drawn on the terminal now, if any. */
let transient: ProgressBar | null = null;

/**
 * Erase the progress bar before something else is printed (the logger calls this before every
 * line), so a log line never starts where the bar ends; the bar redraws on its next update.
 */
export function clearTransientLine(): void {
  transient?.clear();
}

/** h:mm:ss. */
export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return "?";
  const s = Math.floor(sec % 60);
  const m = Math.floor((sec / 60) % 60);
  const h = Math.floor(sec / 3600);
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}
