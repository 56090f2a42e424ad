#!/usr/bin/env node
/** The `calibration-report` binary. */
import { hideBin } from "yargs/helpers";
import { main } from "./main.js";

// `calibration-report --help | head`: a closed stdout is not an error
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
});

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`calibration-report: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
