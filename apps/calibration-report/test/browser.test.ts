/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { renderHtml } from "../src/render-html.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { type RunFiles, writeRunDir } from "./run-dir.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "test-output");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) {
  console.warn(`browser test skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH; in CI this fails)`);
}

describe.skipIf(!haveChromium && !process.env.CI)("HTML report in headless Chromium", () => {
  it("renders the four charts with data, no console errors, no network requests", async () => {
    expect(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}`).toBe(true);
    const dir = await writeRunDir(await mkdtemp(join(tmpdir(), "browser-")), goldenFiles());
    const report = await buildReport(dir, { criteria: parseCriteria(GOLDEN_CRITERIA) });
    await mkdir(OUT_DIR, { recursive: true });
    const htmlPath = join(OUT_DIR, "report.html");
    await writeFile(htmlPath, renderHtml(report));

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const consoleErrors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") consoleErrors.push(m.text());
      });
      page.on("pageerror", (e) => consoleErrors.push(e.message));
      page.on("request", (req) => {
        if (!req.url().startsWith("file:")) requests.push(req.url());
      });
      const url = pathToFileURL(htmlPath).href;
      await page.goto(url, { waitUntil: "load" });

      const marks = await page.evaluate(() => {
        const count = (chart: string, sel: string): number =>
          document.querySelectorAll(`svg[data-chart="${chart}"] ${sel}`).length;
        const box = (chart: string) => {
          const el = document.querySelector(`svg[data-chart="${chart}"]`);
          if (!el) return null;
          const r = el.getBoundingClientRect();
          return { w: r.width, h: r.height };
        };
        const line = document.querySelector('svg[data-chart="equity"] path.line') as SVGPathElement | null;
        return {
          reliability: count("reliability", "circle.mark"),
          // each marker's tooltip carries its bin count (text labels only when one curve is drawn)
          reliabilityCounts: [
            ...document.querySelectorAll('svg[data-chart="reliability"] circle.mark title'),
          ].map((t) => /n=(\d+)/.exec(t.textContent ?? "")?.[1]),
          reliabilityCountLabels: count("reliability", "text.count"),
          equityPoints: Number(line?.getAttribute("data-points") ?? 0),
          equityLength: line ? line.getTotalLength() : 0,
          drawdown: count("drawdown", "path.line"),
          edgeBars: count("edge-histogram", "rect.mark"),
          signalBars: count("signal-bars", "rect.mark"),
          boxes: ["reliability", "equity", "drawdown", "edge-histogram", "signal-bars"].map(box),
          verdict: document.querySelector("#verdict")?.textContent ?? "",
        };
      });
      // golden: 100 ms (1 bin), 1 s (2 bins), adverse (1 bin) = 4 reliability points with counts 11, 5, 5, 5
      expect(marks.reliability).toBe(4);
      expect(marks.reliabilityCounts).toEqual(["11", "5", "5", "5"]);
      expect(marks.reliabilityCountLabels).toBe(0); // several curves: no colliding count labels
      expect(marks.equityPoints).toBe(7);
      expect(marks.equityLength).toBeGreaterThan(100);
      expect(marks.drawdown).toBe(1);
      // realized edges: 4 distinct values per horizon × 2 horizons = 8 non-empty bars
      expect(marks.edgeBars).toBe(8);
      expect(marks.signalBars).toBe(1); // knife (regime has no inactive fills → no marginal value)
      for (const b of marks.boxes) {
        expect(b).not.toBeNull();
        expect(b!.w).toBeGreaterThan(100);
        expect(b!.h).toBeGreaterThan(50);
      }
      expect(marks.verdict).toContain("GO");
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
      await page.screenshot({ path: join(OUT_DIR, "report.png"), fullPage: true });
    } finally {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
  /** Build the golden run's report with `files` / `criteria` changes and open it at `width` px. */
  async function open(
    browser: Browser,
    name: string,
    files: RunFiles,
    criteria: Record<string, unknown>,
    width: number,
  ): Promise<{ page: Page; dir: string }> {
    const dir = await writeRunDir(await mkdtemp(join(tmpdir(), `browser-${name}-`)), files);
    const report = await buildReport(dir, { criteria: parseCriteria({ ...GOLDEN_CRITERIA, ...criteria }) });
    const htmlPath = join(dir, "report.html");
    await writeFile(htmlPath, renderHtml(report));
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load" });
    return { page, dir };
  }

  it.each([
    ["GO", goldenFiles(), {}],
    ["NO-GO", goldenFiles({ dip: true }), {}],
    ["INSUFFICIENT DATA", goldenFiles(), { minFills: 1_000_000 }],
  ] as const)("the %s headline's text colour differs from its background", async (want, files, crit) => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    try {
      const { page, dir } = await open(browser, "verdict", files, crit, 1000);
      const got = await page.evaluate(() => {
        const h1 = document.querySelector("#verdict")!;
        const header = h1.closest("header")!;
        return {
          text: h1.textContent ?? "",
          color: getComputedStyle(h1).color,
          background: getComputedStyle(header).backgroundColor,
        };
      });
      await rm(dir, { recursive: true, force: true });
      expect(got.text).toContain(want);
      expect(got.color).toBe("rgb(255, 255, 255)");
      expect(got.background).not.toBe(got.color);
      expect(got.background).not.toBe("rgba(0, 0, 0, 0)");
    } finally {
      await browser.close();
    }
  });

  it("at 1200 px the criteria and run summary show whole: long values wrap instead of running off", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    try {
      const files = goldenFiles();
      const long = `/home/someone/${"very-long-directory-name/".repeat(8)}btcusdt_20240808.gz`;
      files.manifest = { ...files.manifest!, source: { kind: "replay", path: long } };
      const { page, dir } = await open(browser, "wide", files, {}, 1200);
      const got = await page.evaluate(() =>
        ["#criteria", "#summary"].map((id) => {
          const t = document.querySelector(`${id} table`)!;
          return { id, table: t.scrollWidth, box: t.parentElement!.clientWidth };
        }),
      );
      await rm(dir, { recursive: true, force: true });
      for (const g of got) expect(g.table, g.id).toBeLessThanOrEqual(g.box);
    } finally {
      await browser.close();
    }
  });

  it("fits a 400 px viewport: tables scroll inside their box, charts keep a legible size", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    try {
      const { page, dir } = await open(browser, "narrow", goldenFiles(), {}, 400);
      const got = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        tables: document.querySelectorAll("table").length,
        scrollTables: [...document.querySelectorAll("table")].filter(
          (t) => getComputedStyle(t.parentElement!).overflowX === "auto",
        ).length,
        chartWidths: [...document.querySelectorAll("svg.chart")].map((c) => c.getBoundingClientRect().width),
      }));
      await page.screenshot({ path: join(OUT_DIR, "report-400px.png"), fullPage: true });
      await rm(dir, { recursive: true, force: true });
      expect(got.scrollWidth).toBeLessThanOrEqual(400);
      expect(got.tables).toBeGreaterThan(5);
      expect(got.scrollTables).toBe(got.tables);
      for (const w of got.chartWidths) expect(w).toBeGreaterThan(250);
    } finally {
      await browser.close();
    }
  });
});
