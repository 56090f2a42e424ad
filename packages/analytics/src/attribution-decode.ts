/** Validating decoder of a SignalPnLAttributor checkpoint: per-signal sums, recent overlap fills, retained cycles, counters and options. */
import {
  type CycleEntry,
  readCyclesV1,
  readCyclesV2,
  type SignalPnLAttributorState,
} from "./attribution-state.js";
import {
  readAnyVersion,
  readArray,
  readInt,
  readNullableNumber,
  readNumber,
  readNumberArray,
  readRecord,
  readString,
  requireSameConfig,
} from "./checkpoint.js";
import { OverlapWelch, type OverlapWelchState } from "./overlap-welch.js";
import type { SignalSums } from "./signal-sums.js";
import {
  RunningMoments,
  type RunningMomentsState,
  RunningRegression,
  type RunningRegressionState,
} from "./stats.js";

/** Recent fills of the overlap-robust test as read from a checkpoint (none from an older one). */
export interface DecodedOverlapRecent {
  shift: number;
  shiftSet: boolean;
  newestTsMs: number;
  ts: number[];
  y: number[];
  groups: Int8Array[];
}

/** The validated parts of a checkpoint, applied by `SignalPnLAttributor.setState` once all are read. */
export interface DecodedAttributorState {
  index: Map<string, number>;
  names: string[];
  sums: SignalSums[];
  recent: DecodedOverlapRecent;
  cycles: Map<number, CycleEntry>;
  nFills: number;
  nAttributed: number;
  evicted: number;
}

/**
 * Decode (and validate) a checkpoint for an attributor with these `maxCycles` and overlap bandwidth
 * (both must match the checkpoint's): its signals, recent overlap fills, cycles and counters. Throws
 * naming the bad field.
 */
export function decodeAttributorState(
  state: SignalPnLAttributorState,
  where: string,
  maxCycles: number,
  bandwidthMs: number | null,
): DecodedAttributorState {
  const { r, version } = readAnyVersion(state, where, [1, 2]);
  const cw = `${where}.config`;
  requireSameConfig(
    where,
    "config.maxCycles",
    maxCycles,
    readNumber(readRecord(r["config"], cw), "maxCycles", cw),
  );
  const index = new Map<string, number>();
  const names: string[] = [];
  const sums: SignalSums[] = [];
  let legacyOverlap = false;
  readArray(r, "signals", where).forEach((v, i) => {
    const at = `${where}.signals[${i}]`;
    const e = readRecord(v, at);
    const name = readString(e, "name", at);
    if (index.has(name)) throw new Error(`${at}.name: duplicate signal "${name}"`);
    index.set(name, names.length);
    names.push(name);
    const active = RunningMoments.fromState(e["active"] as RunningMomentsState, `${at}.active`);
    const inactive = RunningMoments.fromState(e["inactive"] as RunningMomentsState, `${at}.inactive`);
    // an older checkpoint has no pair sums: its fills count as independent
    const overlap = new OverlapWelch();
    if (e["overlap"] === undefined) legacyOverlap = true;
    else overlap.setState(e["overlap"] as OverlapWelchState, `${at}.overlap`);
    sums.push({
      active,
      inactive,
      reg: RunningRegression.fromState(e["regression"] as RunningRegressionState, `${at}.regression`),
      overlap,
    });
  });
  const recent = readOverlapRecent(r, where, names.length, legacyOverlap, bandwidthMs);
  const cycles =
    version === 2
      ? readCyclesV2(readRecord(r["cycles"], `${where}.cycles`), `${where}.cycles`, names, maxCycles)
      : readCyclesV1(r, where, index, maxCycles);
  const nFills = readInt(r, "nFills", where);
  const nAttributed = readInt(r, "nAttributed", where);
  if (nAttributed > nFills) throw new Error(`${where}.nAttributed: ${nAttributed} exceeds nFills ${nFills}`);
  const evicted = readInt(r, "evicted", where);
  return { index, names, sums, recent, cycles, nFills, nAttributed, evicted };
}

/** The recent fills of a checkpoint's overlap section (none when absent or the signals predate the pair sums). */
function readOverlapRecent(
  r: Record<string, unknown>,
  where: string,
  nSignals: number,
  legacy: boolean,
  bandwidthMs: number | null,
): DecodedOverlapRecent {
  const raw = r["overlap"];
  if (raw === undefined || legacy) {
    return { shift: 0, shiftSet: false, newestTsMs: Number.NEGATIVE_INFINITY, ts: [], y: [], groups: [] };
  }
  const at = `${where}.overlap`;
  const o = readRecord(raw, at);
  const bw = readNullableNumber(o, "bandwidthMs", at);
  requireSameConfig(where, "overlap.bandwidthMs", bandwidthMs, bw);
  const shift = readNullableNumber(o, "shift", at) ?? Number.NaN;
  const ts = readNumberArray(o, "ts", at);
  const y = readNumberArray(o, "y", at, ts.length);
  const groups = readArray(o, "groups", at).map((g, i) => {
    if (!Array.isArray(g) || g.length > nSignals || g.some((x) => x !== -1 && x !== 0 && x !== 1)) {
      throw new Error(`${at}.groups[${i}]: expected at most ${nSignals} entries of -1, 0 or 1`);
    }
    return Int8Array.from(g as number[]);
  });
  if (groups.length !== ts.length) throw new Error(`${at}.groups: expected ${ts.length} entries`);
  return {
    shift: Number.isNaN(shift) ? 0 : shift,
    shiftSet: !Number.isNaN(shift),
    newestTsMs: readNullableNumber(o, "newestTsMs", at) ?? Number.NEGATIVE_INFINITY,
    ts,
    y,
    groups,
  };
}

/** The options a checkpoint was written with (`fromState` builds the attributor with them). */
export function readAttributorOptions(
  state: SignalPnLAttributorState,
  where: string,
): { maxCycles: number; bandwidthMs: number | null } {
  const cw = `${where}.config`;
  const maxCycles = readNumber(
    readRecord(readAnyVersion(state, where, [1, 2]).r["config"], cw),
    "maxCycles",
    cw,
  );
  const ov = readAnyVersion(state, where, [1, 2]).r["overlap"];
  const bw =
    ov === undefined
      ? null
      : readNullableNumber(readRecord(ov, `${where}.overlap`), "bandwidthMs", `${where}.overlap`);
  return { maxCycles, bandwidthMs: bw };
}
