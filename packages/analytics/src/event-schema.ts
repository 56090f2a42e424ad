/** Schema of `events.jsonl`: kill-switch transitions and other run events. */
import { z } from "zod";
import { base } from "./record-fields.js";

/** Kill-switch transitions and other run events. */
export const eventSchema = z.object({
  ...base,
  /** e.g. "kill_switch", "start", "stop", "feed_stale", "error". */
  kind: z.string().min(1),
  from: z.string().optional(),
  to: z.string().optional(),
  reason: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
/** One events.jsonl record. */
export type EventRecord = z.infer<typeof eventSchema>;
