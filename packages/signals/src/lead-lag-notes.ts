/** Notes of the lead–lag adjustment: their kinds and texts. */

/** Note kinds, for the note memo. */
export const NOTE_REF_STALE = 0;
export const NOTE_LOCAL_STALE = 1;
export const NOTE_WARMUP = 2;
export const NOTE_NO_LEAD = 3;
export const NOTE_ACTIVE = 4;

/** The note text of (kind, a, b); `minPairs` is the warm-up target of the `NOTE_WARMUP` text. */
export function leadLagNoteText(kind: number, a: number, b: number, minPairs: number): string {
  switch (kind) {
    case NOTE_REF_STALE:
      return `reference stale ${a.toFixed(1)} s`;
    case NOTE_LOCAL_STALE:
      return `local stale ${a.toFixed(1)} s`;
    case NOTE_WARMUP:
      return `warm-up ${a}/${minPairs}`;
    case NOTE_NO_LEAD:
      return `no lead: t=${a.toFixed(1)}`;
    case NOTE_ACTIVE:
      return `beta ${a.toFixed(2)} t=${b.toFixed(1)}`;
  }
  return "";
}
