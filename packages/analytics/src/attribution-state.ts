/**
 * Checkpoint formats of `SignalPnLAttributor`: the state types (version 2 written, version 1
 * still read) and the codec of the retained-cycle table.
 */
import {
  type EncodedNumber,
  encodeFloat64s,
  encodePacked,
  readArray,
  readBooleanArray,
  readFloat64s,
  readInt,
  readNumber,
  readNumberArray,
  readPacked,
  readRecord,
  readStringArray,
} from "./checkpoint.js";
import type { OverlapWelchState } from "./overlap-welch.js";
import type { RunningMomentsState, RunningRegressionState } from "./stats.js";

/** The signals of a cycle, in contribution order (shared by consecutive cycles with the same signals). */
export interface Layout {
  /** Signal indices into the attributor's signal table. */
  sig: number[];
  names: string[];
}

/** A retained cycle: its layout and, per signal, the adjustment magnitude (bps) when active, −1 when inactive. */
export interface CycleEntry {
  layout: Layout;
  mag: number[];
  /** Insertion sequence number (matches its slot in the eviction queue while that slot is current). */
  seq: number;
}

/** Per-signal running sums in a checkpoint. */
export interface SignalSumsState {
  name: string;
  active: RunningMomentsState;
  inactive: RunningMomentsState;
  regression: RunningRegressionState;
  /** Overlap-robust pair sums (absent in older checkpoints: their fills then count as independent). */
  overlap?: OverlapWelchState;
}

/** Recent fills kept for pairing (overlap-robust test): times, shifted PnL, per-signal group (−1 absent). */
export interface OverlapRecentState {
  bandwidthMs: EncodedNumber | null;
  /** PnL shift of the pair sums; null before the first fill ("NaN" in older checkpoints). */
  shift: EncodedNumber | null;
  /** Newest fill time; null before the first fill ("-Infinity" in older checkpoints). */
  newestTsMs: EncodedNumber | null;
  ts: EncodedNumber[];
  y: EncodedNumber[];
  groups: number[][];
}

/** Checkpoint of a `SignalPnLAttributor`: version 2 (written) or version 1 (still read). */
export type SignalPnLAttributorState = SignalPnLAttributorStateV1 | SignalPnLAttributorStateV2;

/** Version-1 checkpoint: `cycles` (oldest first) and `signals` keep insertion order. */
export interface SignalPnLAttributorStateV1 {
  version: 1;
  config: { maxCycles: EncodedNumber };
  cycles: { cycleId: EncodedNumber; names: string[]; active: boolean[]; magnitudeBps: EncodedNumber[] }[];
  signals: SignalSumsState[];
  nFills: number;
  nAttributed: number;
  evicted: number;
}

/**
 * Version-2 checkpoint: the retained cycles (oldest first, i.e. eviction order) stored by column.
 * `layouts` lists distinct signal lists as indices into `signals`; `layoutRuns` gives
 * [layout index, number of consecutive cycles] pairs; `entryKinds` packs 2 bits per signal entry of
 * every cycle in order (0 inactive, 1 active with magnitude +0, 2 active with the next value of
 * `magnitudes`, base64 float64); cycle ids are delta-coded integers (`idDeltas`, first one absolute)
 * or, when some id is not a safe integer, base64 float64 (`ids`).
 */
export interface SignalPnLAttributorStateV2 {
  version: 2;
  config: { maxCycles: EncodedNumber };
  signals: SignalSumsState[];
  cycles: {
    count: number;
    idDeltas?: number[];
    ids?: string;
    layouts: number[][];
    layoutRuns: number[];
    entryKinds: string;
    magnitudes: string;
  };
  nFills: number;
  nAttributed: number;
  evicted: number;
  /** Overlap-robust test state (absent in older checkpoints). */
  overlap?: OverlapRecentState;
}

const KIND_INACTIVE = 0;
const KIND_ZERO = 1;
const KIND_VALUE = 2;

/**
 * The retained cycles (in the map's eviction order) as the version-2 column table: distinct layouts,
 * runs of consecutive cycles per layout, 2-bit entry kinds, the non-zero magnitudes, and delta-coded
 * ids (base64 float64 when some id is not a safe integer).
 */
export function encodeCycles(cycleMap: Map<number, CycleEntry>): SignalPnLAttributorStateV2["cycles"] {
  const layoutIds = new Map<string, number>();
  const layouts: number[][] = [];
  const layoutRuns: number[] = [];
  const kinds: number[] = [];
  const values: number[] = [];
  const ids: number[] = [];
  let intIds = true;
  let prevLayout: Layout | null = null;
  for (const [id, e] of cycleMap) {
    ids.push(id);
    if (!Number.isSafeInteger(id)) intIds = false;
    if (e.layout === prevLayout) layoutRuns[layoutRuns.length - 1]! += 1;
    else {
      const key = e.layout.sig.join(",");
      let li = layoutIds.get(key);
      if (li === undefined) {
        li = layouts.length;
        layoutIds.set(key, li);
        layouts.push(e.layout.sig.slice());
      }
      if (layoutRuns.length > 0 && layoutRuns[layoutRuns.length - 2] === li)
        layoutRuns[layoutRuns.length - 1]! += 1;
      else layoutRuns.push(li, 1);
      prevLayout = e.layout;
    }
    for (let i = 0; i < e.mag.length; i++) {
      const m = e.mag[i]!;
      if (m < 0) kinds.push(KIND_INACTIVE);
      else if (Object.is(m, 0)) kinds.push(KIND_ZERO);
      else {
        kinds.push(KIND_VALUE);
        values.push(m);
      }
    }
  }
  const cycles: SignalPnLAttributorStateV2["cycles"] = {
    count: ids.length,
    layouts,
    layoutRuns,
    entryKinds: encodePacked(kinds, 2),
    magnitudes: encodeFloat64s(values),
  };
  if (intIds) {
    const deltas: number[] = [];
    for (let i = 0; i < ids.length; i++) deltas.push(i === 0 ? ids[0]! : ids[i]! - ids[i - 1]!);
    cycles.idDeltas = deltas;
  } else cycles.ids = encodeFloat64s(ids);
  return cycles;
}

/** The retained cycles of a version-1 checkpoint (throws naming the bad field). */
export function readCyclesV1(
  r: Record<string, unknown>,
  where: string,
  index: Map<string, number>,
  maxCycles: number,
): Map<number, CycleEntry> {
  const cycles = new Map<number, CycleEntry>();
  const layouts = new Map<string, Layout>();
  readArray(r, "cycles", where, maxCycles).forEach((v, i) => {
    const at = `${where}.cycles[${i}]`;
    const e = readRecord(v, at);
    const cycleId = readNumber(e, "cycleId", at);
    if (cycles.has(cycleId)) throw new Error(`${at}.cycleId: duplicate cycle ${cycleId}`);
    const cycleNames = readStringArray(e, "names", at);
    const active = readBooleanArray(e, "active", at, cycleNames.length);
    const magnitudeBps = readNumberArray(e, "magnitudeBps", at, cycleNames.length);
    for (const n of cycleNames) {
      if (!index.has(n)) throw new Error(`${at}.names: signal "${n}" has no entry in ${where}.signals`);
    }
    const key = JSON.stringify(cycleNames);
    let layout = layouts.get(key);
    if (layout === undefined) {
      layout = { sig: cycleNames.map((n) => index.get(n)!), names: cycleNames };
      layouts.set(key, layout);
    }
    const mag = magnitudeBps.map((m, j) => {
      if (active[j]) {
        if (m < 0) throw new Error(`${at}.magnitudeBps[${j}]: expected a magnitude >= 0, got ${m}`);
        return m;
      }
      if (m !== 0)
        throw new Error(`${at}.magnitudeBps[${j}]: an inactive signal's magnitude must be 0, got ${m}`);
      return -1;
    });
    cycles.set(cycleId, { layout, mag, seq: 0 });
  });
  return cycles;
}

/** The retained cycles of a version-2 checkpoint's `cycles` table (throws naming the bad field). */
export function readCyclesV2(
  c: Record<string, unknown>,
  where: string,
  names: string[],
  maxCycles: number,
): Map<number, CycleEntry> {
  const count = readInt(c, "count", where);
  if (count > maxCycles) {
    throw new Error(`${where}.count: at most ${maxCycles} cycles (maxCycles), got ${count}`);
  }
  let ids: number[];
  if (c["idDeltas"] !== undefined) {
    const deltas = readArray(c, "idDeltas", where);
    if (deltas.length !== count)
      throw new Error(`${where}.idDeltas: expected ${count} elements, got ${deltas.length}`);
    ids = [];
    for (let i = 0; i < count; i++) {
      const d = deltas[i];
      if (typeof d !== "number" || !Number.isSafeInteger(d)) {
        throw new Error(`${where}.idDeltas[${i}]: expected an integer, got ${String(d)}`);
      }
      ids.push(i === 0 ? d : ids[i - 1]! + d);
    }
  } else {
    ids = Array.from(readFloat64s(c, "ids", where, count));
  }
  const layouts: Layout[] = readArray(c, "layouts", where).map((v, i) => {
    const at = `${where}.layouts[${i}]`;
    if (!Array.isArray(v)) throw new Error(`${at}: expected an array of signal indices`);
    const sig = v.map((x, j) => {
      if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x >= names.length) {
        throw new Error(`${at}[${j}]: expected a signal index in [0, ${names.length}), got ${String(x)}`);
      }
      return x;
    });
    return { sig, names: sig.map((k) => names[k]!) };
  });
  const runs = readArray(c, "layoutRuns", where);
  if (runs.length % 2 !== 0) throw new Error(`${where}.layoutRuns: expected [layout, count] pairs`);
  const layoutOfCycle: Layout[] = [];
  for (let i = 0; i < runs.length; i += 2) {
    const li = runs[i];
    const n = runs[i + 1];
    if (typeof li !== "number" || !Number.isInteger(li) || li < 0 || li >= layouts.length) {
      throw new Error(`${where}.layoutRuns[${i}]: expected a layout index, got ${String(li)}`);
    }
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || layoutOfCycle.length + n > count) {
      throw new Error(
        `${where}.layoutRuns[${i + 1}]: expected a run length within ${count} cycles, got ${String(n)}`,
      );
    }
    for (let j = 0; j < n; j++) layoutOfCycle.push(layouts[li]!);
  }
  if (layoutOfCycle.length !== count) {
    throw new Error(`${where}.layoutRuns: runs cover ${layoutOfCycle.length} cycles, expected ${count}`);
  }
  let entries = 0;
  for (const l of layoutOfCycle) entries += l.sig.length;
  const kinds = readPacked(c, "entryKinds", where, 2, entries);
  let nValues = 0;
  for (let i = 0; i < entries; i++) {
    if (kinds[i]! > KIND_VALUE) throw new Error(`${where}.entryKinds[${i}]: unknown entry kind ${kinds[i]}`);
    if (kinds[i] === KIND_VALUE) nValues++;
  }
  const values = readFloat64s(c, "magnitudes", where, nValues);
  const cycles = new Map<number, CycleEntry>();
  let e = 0;
  let v = 0;
  for (let i = 0; i < count; i++) {
    if (cycles.has(ids[i]!)) throw new Error(`${where}: duplicate cycle ${ids[i]}`);
    const layout = layoutOfCycle[i]!;
    const mag: number[] = [];
    for (let j = 0; j < layout.sig.length; j++, e++) {
      const kind = kinds[e]!;
      const m = kind === KIND_INACTIVE ? -1 : kind === KIND_ZERO ? 0 : values[v++]!;
      if (kind === KIND_VALUE && m < 0)
        throw new Error(`${where}.magnitudes[${v - 1}]: expected >= 0, got ${m}`);
      mag.push(m);
    }
    cycles.set(ids[i]!, { layout, mag, seq: 0 });
  }
  return cycles;
}
