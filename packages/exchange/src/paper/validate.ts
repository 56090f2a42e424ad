import type { PlaceRequest, RejectReason } from "./events.js";

/** Why a place request is invalid, or null when it is acceptable. */
export function validatePlace(req: PlaceRequest): { reason: RejectReason; message: string } | null {
  if (req.side !== "buy" && req.side !== "sell")
    return { reason: "invalidOrder", message: `side must be "buy" or "sell", got ${String(req.side)}` };
  if (!(Number.isFinite(req.price) && req.price > 0))
    return { reason: "invalidOrder", message: `price must be a finite number > 0, got ${req.price}` };
  if (!(Number.isFinite(req.size) && req.size > 0))
    return { reason: "invalidOrder", message: `size must be a finite number > 0, got ${req.size}` };
  if (req.postOnly !== true)
    return {
      reason: "unsupported",
      message: "only post-only (ALO) orders are simulated; postOnly must be true",
    };
  const it = req.intensity;
  if (it !== undefined && !(it.aPerSec >= 0 && it.kappaPerFrac >= 0)) {
    return {
      reason: "invalidOrder",
      message: `intensity needs aPerSec >= 0 and kappaPerFrac >= 0, got ${JSON.stringify(it)}`,
    };
  }
  return null;
}
