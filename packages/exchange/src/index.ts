export * from "./feeds/index.js";
export * from "./paper/index.js";
