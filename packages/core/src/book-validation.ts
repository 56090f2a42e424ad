/** Validation of L2 book input: the crossed-book and invalid-level errors and the level checks that throw them. */
import type { PriceLevel } from "./types.js";

/** Error thrown when an L2 image would leave the book crossed (best bid ≥ best ask). */
export class CrossedBookError extends Error {
  constructor(
    readonly bestBid: number,
    readonly bestAsk: number,
  ) {
    super(`crossed book rejected: best bid ${bestBid} >= best ask ${bestAsk}`);
    this.name = "CrossedBookError";
  }
}

/** Error thrown when a level has a non-finite or non-positive price, or a non-finite or negative size. */
export class InvalidLevelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidLevelError";
  }
}

export function checkLevel(where: string, price: number, size: number): void {
  if (!(Number.isFinite(price) && price > 0))
    throw new InvalidLevelError(`${where}: price must be finite and > 0, got ${price}`);
  if (!(Number.isFinite(size) && size >= 0))
    throw new InvalidLevelError(`${where}: size must be finite and >= 0, got ${size}`);
}

export function checkLevels(where: string, levels: readonly PriceLevel[]): void {
  for (const l of levels) checkLevel(where, l.price, l.size);
}
