import { runFeedBenches } from "./feeds.bench.js";
import { runPaperBenches } from "./paper.bench.js";

await runFeedBenches();
await runPaperBenches();
