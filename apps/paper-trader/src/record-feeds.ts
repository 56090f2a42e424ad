/**
 * `--record DIR`: the live feeds teed into recorders — the traded venue's parts in DIR, the
 * `--binance-lead` feed's in DIR/lead — so the same days can be replayed later with other settings
 * (`--input DIR`, `--lead-input DIR/lead`).
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { type MarketDataFeed, Recorder, recordFeed } from "@mmkit/exchange";
import type { Logger } from "pino";
import { ConfigError, type PaperTraderConfig } from "./config.js";
import { requireNotPseudoFs } from "./pseudo-fs.js";
import type { RunSource } from "./source.js";

/** Subdirectory of `--record DIR` holding the lead feed's recording. */
export const LEAD_RECORDING_DIR = "lead";
/** A part also ends at this many uncompressed bytes (the recorder's default), whatever `--record-rotate-min` says. */
export const RECORD_ROTATE_BYTES = 256 * 2 ** 20;

/** The directories `--record` writes to (none without it). */
function recordDirs(config: PaperTraderConfig, lead: boolean): string[] {
  if (config.record === undefined) return [];
  return lead ? [config.record, join(config.record, LEAD_RECORDING_DIR)] : [config.record];
}

/**
 * Create the `--record` directories and check they are writable, before the output directory is
 * touched: a recording that cannot even start is a flag error (exit 2).
 */
export function prepareRecordDirs(config: PaperTraderConfig, lead: boolean, outputDir: string): void {
  if (config.record !== undefined) {
    const rel = relative(resolve(outputDir), resolve(config.record));
    if (rel === "" || (!rel.startsWith("..") && !isAbsolute(rel)))
      throw new ConfigError(
        `invalid --record: ${config.record} is the --output-dir or inside it; give the recording its own directory (the run's files would be replayed as parts, and a new run archives the directory)`,
      );
  }
  for (const dir of recordDirs(config, lead)) {
    requireNotPseudoFs(dir, "--record");
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new ConfigError(`invalid --record: cannot write to ${dir} (${e.code ?? e.message})`);
    }
  }
}

interface Tee {
  name: string;
  dir: string;
  recorder: Recorder;
  error: Error | null;
}

/**
 * The recorders of a run. A recorder's error (disk full, directory gone…) never stops the run: it
 * is logged at once, the feed goes on unrecorded (the trader sees every event either way), and the
 * report's Feed line and run.json say when and why the recording stopped.
 */
export class FeedRecording {
  private readonly tees: Tee[] = [];

  private constructor(
    private readonly config: PaperTraderConfig,
    private readonly logger: Logger,
  ) {}

  /** The source with its feeds recorded (`--record`), or null without the flag. */
  static start(
    config: PaperTraderConfig,
    source: RunSource,
    logger: Logger,
  ): { recording: FeedRecording; source: RunSource } | null {
    const [dir, leadDir] = recordDirs(config, source.lead !== null);
    if (dir === undefined) return null;
    const recording = new FeedRecording(config, logger);
    const feed = recording.tee(source.feed, dir);
    const lead =
      source.lead === null || leadDir === undefined
        ? null
        : { ...source.lead, feed: recording.tee(source.lead.feed, leadDir) };
    const recorded: RunSource = {
      ...source,
      feed,
      asyncEvents: () => feed,
      lead,
      describe: { ...source.describe },
    };
    recording.describeInto(recorded);
    logger.info(
      `[RECORD] recording ${recording.tees.map((t) => `${t.name} into ${t.dir}`).join(", ")} (gzip, a new file every ${config.recordRotateMin} min or ${RECORD_ROTATE_BYTES / 2 ** 20} MiB)`,
    );
    return { recording, source: recorded };
  }

  private tee(feed: MarketDataFeed, dir: string): MarketDataFeed {
    const recorder = new Recorder({
      dir,
      source: feed.name,
      rotateMs: this.config.recordRotateMin * 60_000,
      rotateBytes: RECORD_ROTATE_BYTES,
    });
    const tee: Tee = { name: feed.name, dir, recorder, error: null };
    this.tees.push(tee);
    // Named as the feed itself: the report's Feed line reads as without --record.
    const recorded = recordFeed(feed, recorder, {
      onError: (err) => {
        tee.error = err;
        this.logger.error(
          { err: err.message, dir },
          `[RECORD] recording of ${feed.name} failed after ${recorder.eventsWritten} events, the run goes on unrecorded: ${err.message}`,
        );
      },
    });
    return { ...recorded, name: feed.name };
  }

  /** What run.json says of the recording (`source.record`): where it went, its files, and any error. */
  describeInto(source: RunSource): void {
    const [traded, lead] = this.tees.map((t) => ({
      dir: t.dir,
      files: t.recorder.files(),
      events: t.recorder.eventsWritten,
      error: t.error?.message ?? null,
    }));
    source.describe["record"] = {
      ...traded,
      rotate_min: this.config.recordRotateMin,
      rotate_bytes: RECORD_ROTATE_BYTES,
      ...(lead !== undefined ? { lead } : {}),
    };
  }

  /** The report's Feed-line part: per recorded feed, where it went, or that it failed. */
  summary(): string {
    return this.tees
      .map((t) =>
        t.error === null
          ? `recorded ${t.name} to ${t.dir} (${t.recorder.eventsWritten} events, ${t.recorder.files().length} files)`
          : `recording of ${t.name} FAILED after ${t.recorder.eventsWritten} events (${t.error.message}); the run went on unrecorded`,
      )
      .join("; ");
  }
}
