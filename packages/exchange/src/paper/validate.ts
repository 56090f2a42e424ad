import { arrivalCurveProblem } from "@mmkit/core";
import type { IntensityEstimate, PlaceRequest, RejectReason } from "./events.js";

/** Why an intensity estimate is unusable for predictions, or null when it is acceptable. */
export function intensityProblem(it: IntensityEstimate): string | null {
  const sigma = it.sigmaPerSqrtSec;
  if (
    it.aPerSec >= 0 &&
    it.kappaPerFrac >= 0 &&
    Number.isFinite(it.aPerSec) &&
    Number.isFinite(it.kappaPerFrac) &&
    (sigma === undefined || (sigma >= 0 && Number.isFinite(sigma)))
  )
    return it.curve === undefined ? null : arrivalCurveProblem(it.curve);
  return `intensity needs finite aPerSec >= 0, kappaPerFrac >= 0 and sigmaPerSqrtSec >= 0 (if given), got ${JSON.stringify(it)}`;
}

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
  const problem = req.intensity === undefined ? null : intensityProblem(req.intensity);
  if (problem !== null) return { reason: "invalidOrder", message: problem };
  return null;
}
