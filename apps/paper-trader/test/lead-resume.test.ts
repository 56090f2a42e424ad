/**
 * `--resume` of a replay merged with a lead recording (`--lead-input`): after a SIGKILL, the lead
 * events around the resume point are neither dropped nor fed twice. The pair is generated with a
 * known lead (lead-pair.ts) and is long enough for LeadLag to leave its warm-up, so the lead moves
 * the quotes (checked against the same replay without it) and a resume that loses or repeats lead
 * events shows in the outputs — or, where LeadLag takes a repeated frame as it took the first (an
 * older mid is overwritten before it is sampled), in the final state: on the receive clock the
 * lead's delivery-delay estimate counts every frame. The recorded case's lead is Binance diff depth,
 * whose book is the sum of its frames, so the reference book's restore shows too (a bookTicker frame
 * replaces the top whole).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  expectSameStreams,
  killAtMidCheckpoint,
  readStreams,
  runInProcess,
  spawnCli,
  streamRecords,
  tempDir,
} from "./helpers.js";
import { recordLeadPair, writeLeadPair } from "./lead-pair.js";

/** What a checkpoint says about the run, the signal stack and LeadLag (the fields read here). */
interface LeadCheckpoint {
  run_id: string;
  written_at_wall: string;
  config: Record<string, unknown>;
  completed_reason: string | null;
  signals: {
    warmup: { completed: boolean };
    leadLag?: { signal: { pairs: number; sumDY: number; sumDD: number } };
  };
  lead_delay?: { frames: number; lateFrames: number };
}

/** LeadLag's default warm-up: regression pairs before it may act. */
const LEAD_LAG_MIN_PAIRS = 300;
/** 9 min; the lead shows the traded book 300 ms early (β = 1 up to the noise's attenuation). */
const PAIR = { seed: 7, durationSec: 540, lagMs: 300, basisBps: 3, noiseBps: 0.1 };
/**
 * Checkpoints 10 s in and then every 5.5 min of market time: the only mid-run checkpoint past the
 * warm-up is 340 s in, whatever the machine's speed (checkpoints are also paced to 2 s of wall time
 * apart, which at 60x moves them with the load), so every run resumes from the same point and has
 * 200 s of market (3 s at 60x) to be killed in.
 */
const CHECKPOINT_EVERY_MIN = 5.5;

/** A mid-run checkpoint written after the stack's warm-up and LeadLag's (false while unreadable). */
function pastLeadWarmup(text: string): boolean {
  const cp = JSON.parse(text) as LeadCheckpoint;
  const pairs = cp.signals.leadLag?.signal.pairs ?? 0;
  return cp.completed_reason === null && cp.signals.warmup.completed && pairs >= LEAD_LAG_MIN_PAIRS;
}

/**
 * A checkpoint's state: all but what names the run and when it was written (its id, config — the
 * output directory, the resume flag — and wall time), which differ between two runs by construction.
 */
function checkpointState(dir: string): Omit<LeadCheckpoint, "written_at_wall" | "run_id" | "config"> {
  const {
    written_at_wall: _wall,
    run_id: _id,
    config: _config,
    ...state
  } = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as LeadCheckpoint;
  return state;
}

/** How many signal_contributions records have LeadLag acting. */
function leadLagActive(dir: string): number {
  return streamRecords<{ contributions: { signal_name: string; was_active: boolean }[] }>(
    dir,
    "signal_contributions.jsonl",
  ).filter((r) => r.contributions.some((c) => c.signal_name === "LeadLag" && c.was_active)).length;
}

/**
 * Replay `input` with `leadInput` uninterrupted (in `ref`), and in `dir` spawned, SIGKILLed after a
 * checkpoint past LeadLag's warm-up and resumed; returns the checkpoint the resume started from.
 */
async function killAndResume(input: string, leadInput: string, ref: string, dir: string) {
  const base = { source: "replay" as const, input, leadInput, checkpointEveryMin: CHECKPOINT_EVERY_MIN };
  await runInProcess({ ...base, outputDir: ref });
  const run = spawnCli([
    ...["--source", "replay", "--input", input, "--lead-input", leadInput],
    ...["--checkpoint-every-min", String(CHECKPOINT_EVERY_MIN), "--log-level", "warn"],
    ...["--speed", "60x", "--output-dir", dir],
  ]);
  expect(await killAtMidCheckpoint(run, dir, pastLeadWarmup)).toBe(true);
  const atKill = checkpointState(dir);
  await runInProcess({ ...base, outputDir: dir, resume: true });
  expectSameStreams(readStreams(ref), readStreams(dir));
  expect(checkpointState(dir)).toEqual(checkpointState(ref));
  return atKill;
}

describe("--resume of a replay with a lead recording", () => {
  it("captures (venue clocks): SIGKILL past LeadLag's warm-up, --resume: every stream and the final state equal an uninterrupted run's, which the lead changed", async () => {
    const tmp = tempDir();
    const pair = writeLeadPair(tmp, PAIR);
    const atKill = await killAndResume(pair.traded, pair.lead, join(tmp, "ref"), join(tmp, "out"));
    // The resume point: LeadLag past its warm-up, the known lead fitted (β = S_dy / S_dd).
    const ll = atKill.signals.leadLag!.signal;
    expect(ll.pairs).toBeGreaterThanOrEqual(LEAD_LAG_MIN_PAIRS);
    expect(ll.sumDY / ll.sumDD).toBeGreaterThan(0.6);
    expect(ll.sumDY / ll.sumDD).toBeLessThan(1.1);
    // The lead acted, and the quotes and fills differ from the same replay without it.
    const ref = join(tmp, "ref");
    expect(leadLagActive(ref)).toBeGreaterThan(100);
    const noLead = join(tmp, "no-lead");
    await runInProcess({
      source: "replay",
      input: pair.traded,
      checkpointEveryMin: CHECKPOINT_EVERY_MIN,
      outputDir: noLead,
    });
    const [withLead, without] = [readStreams(ref), readStreams(noLead)];
    for (const f of ["fills.jsonl", "predictions.jsonl", "equity.jsonl"])
      expect(without.get(f), f).not.toBe(withLead.get(f));
  }, 60_000);

  it("recordings (receive clock) with a diff-depth lead: the same, its book and delay estimate restored", async () => {
    const tmp = tempDir();
    const rec = await recordLeadPair(writeLeadPair(tmp, { ...PAIR, leadDepth: true }), tmp);
    const ref = join(tmp, "ref");
    const atKill = await killAndResume(rec.traded, rec.lead, ref, join(tmp, "out"));
    expect(atKill.lead_delay!.frames).toBeGreaterThan(0);
    // some lead frames came late (the generator's stalls), so the estimate is not trivially zero
    expect(checkpointState(ref).lead_delay!.lateFrames).toBeGreaterThan(0);
    expect(leadLagActive(ref)).toBeGreaterThan(100);
  }, 60_000);
});
