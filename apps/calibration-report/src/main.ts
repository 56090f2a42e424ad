/** The CLI as a function: parse flags, build the report, write the outputs, return the exit code. */
import { writeFile } from "node:fs/promises";
import yargs from "yargs";
import { type CriteriaInput, DEFAULT_CRITERIA, loadCriteria } from "./criteria.js";
import { buildReport } from "./build-report.js";
import { renderHtml } from "./render-html.js";
import { renderText } from "./render-text.js";
import { makeTimeRange } from "./time-range.js";

/** Where the CLI writes (injectable for tests). */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Exit code for usage or input errors. */
export const EXIT_USAGE = 2;

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

class UsageError extends Error {}

/** Parsed command-line options. */
export interface CliOptions {
  dir: string;
  json: string | undefined;
  html: string | undefined;
  criteria: string | undefined;
  quiet: boolean;
  overrides: CriteriaInput;
  since: string | undefined;
  until: string | undefined;
  maxPoints: number;
}

/** What `--since` / `--until` accept (see `parseTimeBound`). */
const TIME_FORMS = "ISO-8601 date/time, or epoch ms >= 1e11: epoch seconds are refused";

/** The flags that take a value (yargs silently drops one given without its value). */
const VALUED_FLAGS = new Set([
  "json",
  "html",
  "criteria",
  "min-sharpe",
  "max-brier",
  "max-drawdown-pct",
  "min-fills",
  "min-predictions",
  "min-sharpe-samples",
  "min-brier-skill",
  "min-brier-outcomes",
  "min-edge-samples",
  "edge-criterion",
  "since",
  "until",
  "max-points",
]);

/** A flag given twice, or a valued flag with nothing after it: a UsageError naming it. */
function checkValuedFlags(argv: readonly string[]): void {
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") break;
    if (token === "-q") {
      if (seen.has("quiet")) throw new UsageError("--quiet: given more than once; give it once");
      seen.add("quiet");
      continue;
    }
    if (!token.startsWith("--")) continue;
    // yargs takes camelCase for the kebab-case flags: one flag either way
    const name = token
      .slice(2)
      .split("=", 1)[0]!
      .replace(/(?<=[a-z0-9])[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!VALUED_FLAGS.has(name) && name !== "quiet") continue;
    if (seen.has(name)) throw new UsageError(`--${name}: given more than once; give it once`);
    seen.add(name);
    if (name === "quiet") continue;
    const value = token.includes("=") ? token.slice(token.indexOf("=") + 1) : argv[i + 1];
    const isFlag =
      !token.includes("=") && value !== undefined && value.startsWith("-") && !Number.isFinite(Number(value));
    if (value === undefined || value === "" || value === "-" || isFlag)
      throw new UsageError(`--${name}: needs a value`);
  }
}

/**
 * yargs' message in one line; an unknown flag is named once, as typed (yargs also lists the
 * camelCase twin it derives: "Unknown arguments: min-sharp, minSharp").
 */
function usageMessage(msg: string): string {
  const unknown = /^Unknown arguments?: (.*)$/s.exec(msg.trim());
  if (unknown === null) return msg.replace(/\s+/g, " ").trim();
  const names = unknown[1]!.split(/,\s*/);
  const kebab = (n: string) => n.replace(/(?<=[a-z0-9])[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const typed = names.filter((n) => n === kebab(n) || !names.includes(kebab(n)));
  return `unknown flag(s): ${typed.map((n) => `--${n}`).join(", ")} (see --help)`;
}

/** Parse argv (without node and script) into options; throws an Error with one clear line on bad usage. */
export async function parseArgs(rawArgv: string[], io: CliIo = defaultIo): Promise<CliOptions | "help"> {
  // `pnpm calibration-report -- <args>` forwards the "--" separator itself: drop a leading one
  const argv = rawArgv[0] === "--" ? rawArgv.slice(1) : rawArgv;
  checkValuedFlags(argv);
  let helpShown = false;
  const parser = yargs(argv)
    .scriptName("calibration-report")
    .usage(
      "$0 [DIR]\n\nRead a paper-trading run's JSONL logs (default logs/paper_trading) and print the go/no-go report.\n" +
        "Exit codes: 0 = GO, 1 = NO-GO, 3 = insufficient data, 2 = usage/input error.",
    )
    .command("$0 [dir]", false)
    .positional("dir", { type: "string", default: "logs/paper_trading", describe: "run log directory" })
    .option("json", { type: "string", describe: "write the report model as JSON to FILE" })
    .option("html", { type: "string", describe: "write a self-contained HTML report with charts to FILE" })
    .option("criteria", { type: "string", describe: "JSON file with thresholds (flags below override it)" })
    .option("min-sharpe", {
      type: "number",
      describe: `minimum annualized Sharpe (Lo-adjusted when computable) [default: ${DEFAULT_CRITERIA.minSharpe}]`,
    })
    .option("max-brier", {
      type: "number",
      describe: `maximum fill-probability Brier score [default: ${DEFAULT_CRITERIA.maxBrier}]`,
    })
    .option("max-drawdown-pct", {
      type: "number",
      describe: `maximum drawdown, percent of peak equity [default: ${DEFAULT_CRITERIA.maxDrawdownPct}]`,
    })
    .option("min-fills", {
      type: "number",
      describe: `fills needed before a verdict [default: ${DEFAULT_CRITERIA.minFills}]`,
    })
    .option("min-predictions", {
      type: "number",
      describe: `forecasts needed for the Brier criterion [default: ${DEFAULT_CRITERIA.minPredictions}]`,
    })
    .option("min-sharpe-samples", {
      type: "number",
      describe: `return buckets needed for the Sharpe criterion [default: ${DEFAULT_CRITERIA.minSharpeSamples}]`,
    })
    .option("min-brier-skill", {
      type: "number",
      describe: `minimum Brier skill vs always forecasting the fill rate (1 - Brier/(r(1-r))) [default: ${DEFAULT_CRITERIA.minBrierSkill}]`,
    })
    .option("min-brier-outcomes", {
      type: "number",
      describe: `filled and unfilled forecasts (each) needed for the Brier criterion [default: ${DEFAULT_CRITERIA.minBrierOutcomes}]`,
    })
    .option("min-edge-samples", {
      type: "number",
      describe: `fills with a markout needed before the edge is tested [default: ${DEFAULT_CRITERIA.minEdgeSamples}]`,
    })
    .option("edge-criterion", {
      type: "string",
      choices: ["positive", "not_negative", "off"],
      describe: `edge per fill at the primary horizon: significantly > 0 (positive), not significantly < 0, or not judged [default: ${DEFAULT_CRITERIA.edgeCriterion}]`,
    })
    .option("since", { type: "string", describe: `ignore records before this time (${TIME_FORMS})` })
    .option("until", { type: "string", describe: `ignore records after this time (${TIME_FORMS})` })
    .option("max-points", { type: "number", default: 2000, describe: "maximum points per plotted curve" })
    .option("quiet", {
      type: "boolean",
      default: false,
      alias: "q",
      describe: "do not print the terminal report",
    })
    .strict()
    .help("help")
    .alias("help", "h")
    .version(false)
    .wrap(100)
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((msg, err) => {
      throw new UsageError(usageMessage(msg ?? err?.message ?? "invalid arguments"));
    });
  const out = await parser.parseAsync(argv, {}, (_err, _a, output) => {
    if (output) {
      helpShown = true;
      io.stdout(`${output}\n`);
    }
  });
  if (helpShown) return "help";
  const positional = out._.map(String);
  if (positional.length > 0) throw new UsageError(`unexpected extra argument: ${positional[0]}`);
  const num = (v: unknown, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new UsageError(`--${flag}: expected a number, got ${typedValue(argv, flag) ?? String(v)}`);
    return v;
  };
  const maxPoints = num(out["max-points"], "max-points") ?? 2000;
  if (!Number.isInteger(maxPoints) || maxPoints < 4)
    throw new UsageError(`--max-points: expected an integer >= 4, got ${maxPoints}`);
  return {
    dir: String(out.dir ?? "logs/paper_trading"),
    json: out.json,
    html: out.html,
    criteria: out.criteria,
    quiet: Boolean(out.quiet),
    since: out.since,
    until: out.until,
    maxPoints,
    overrides: {
      minSharpe: num(out["min-sharpe"], "min-sharpe"),
      maxBrier: num(out["max-brier"], "max-brier"),
      maxDrawdownPct: num(out["max-drawdown-pct"], "max-drawdown-pct"),
      minFills: num(out["min-fills"], "min-fills"),
      minPredictions: num(out["min-predictions"], "min-predictions"),
      minSharpeSamples: num(out["min-sharpe-samples"], "min-sharpe-samples"),
      minBrierSkill: num(out["min-brier-skill"], "min-brier-skill"),
      minBrierOutcomes: num(out["min-brier-outcomes"], "min-brier-outcomes"),
      minEdgeSamples: num(out["min-edge-samples"], "min-edge-samples"),
      edgeCriterion: out["edge-criterion"] as CriteriaInput["edgeCriterion"],
    },
  };
}

/** Run the CLI; returns the exit code (0 GO, 1 NO-GO, 3 insufficient data, 2 usage/input error). */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let opts: CliOptions | "help";
  try {
    opts = await parseArgs(argv, io);
  } catch (err) {
    io.stderr(`calibration-report: ${(err as Error).message.split("\n")[0]}\n`);
    return EXIT_USAGE;
  }
  if (opts === "help") return 0;
  try {
    const criteria = await loadCriteria(opts.criteria, opts.overrides);
    const timeRange = makeTimeRange(opts.since, opts.until);
    const report = await buildReport(opts.dir, { criteria, timeRange, maxPoints: opts.maxPoints });
    if (!opts.quiet) io.stdout(renderText(report));
    if (opts.json !== undefined) await writeOutput(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    if (opts.html !== undefined) await writeOutput(opts.html, renderHtml(report));
    return report.verdict.exitCode;
  } catch (err) {
    io.stderr(`calibration-report: ${(err as Error).message.split("\n")[0]}\n`);
    return EXIT_USAGE;
  }
}

async function writeOutput(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text, "utf8");
  } catch (err) {
    throw new Error(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** What the user typed for `--flag` (`--flag v` or `--flag=v`; the last one wins), quoted; null if absent. */
function typedValue(argv: readonly string[], flag: string): string | null {
  let typed: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${flag}` && i + 1 < argv.length) typed = argv[i + 1]!;
    else if (a.startsWith(`--${flag}=`)) typed = a.slice(flag.length + 3);
  }
  return typed === null ? null : JSON.stringify(typed);
}
