/** A one-line progress bar on a TTY stream: market time covered, events/s, ETA. Silent when not a TTY. */
export class ProgressBar {
  private lastDrawMs = 0;
  private readonly startWallMs = Date.now();

  constructor(
    private readonly totalMarketMs: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = stream.isTTY === true,
  ) {}

  /** Redraw at most every 200 ms of wall time. */
  update(coveredMarketMs: number, events: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDrawMs < 200) return;
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
  }

  /** Clear the bar line. */
  done(): void {
    if (this.enabled) this.stream.write("\r\x1b[K");
  }
}

/** h:mm:ss. */
export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return "?";
  const s = Math.floor(sec % 60);
  const m = Math.floor((sec / 60) % 60);
  const h = Math.floor(sec / 3600);
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}
