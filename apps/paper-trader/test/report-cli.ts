/** Test helper: run the calibration report's CLI (its sources, through tsx) on a paper-trader run directory. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "./helpers.js";

const REPORT_CLI = fileURLToPath(new URL("../../calibration-report/src/cli.ts", import.meta.url));
const REPORT_TSCONFIG = fileURLToPath(new URL("../../calibration-report/tsconfig.json", import.meta.url));

/** Run the calibration report CLI (sources, through tsx) on a run directory, writing its JSON model. */
export function runReport(
  dir: string,
  json: string,
  ...more: string[]
): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["--import", "tsx", REPORT_CLI, dir, "--json", json, ...more], {
    cwd: REPO_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: REPORT_TSCONFIG },
    encoding: "utf8",
    timeout: 120_000,
  });
}
