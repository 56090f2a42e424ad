export * from "./types.js";
export * from "./rng.js";
export * from "./book.js";
export * from "./signal.js";
export * from "./intensity.js";
