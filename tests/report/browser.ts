import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Where Debian's `chromium` package (and the usual alternatives) put the browser; env CHROMIUM_PATH first. */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const chromiumPath = CANDIDATES.find((p): p is string => p !== undefined && p !== '' && existsSync(p));

export const NO_BROWSER = `no Chromium found (looked at ${CANDIDATES.filter(Boolean).join(', ')}): install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH`;

/** Test artifacts (screenshots); gitignored. */
export const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

export interface OpenedReport {
  page: Page;
  /** Every URL the page asked for other than the report itself (each was refused). */
  otherRequests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
}

export async function launchBrowser(): Promise<Browser> {
  // As root in a container, Chromium's sandbox cannot start.
  return puppeteer.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** Opens a report file with every other request refused and recorded, and console errors collected. */
export async function openReport(browser: Browser, path: string, width = 1280): Promise<OpenedReport> {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 900 });
  const url = pathToFileURL(path).href;
  const otherRequests: string[] = [];
  const errors: string[] = [];
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url() === url) return void request.continue();
    otherRequests.push(request.url());
    void request.abort();
  });
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url, { waitUntil: 'load' });
  return { page, otherRequests, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  return path;
}

/**
 * `npm run screenshot` sets this to the README's picture (docs/report.png):
 * the top of the report (title, summary, sky map, distributions), small enough to commit.
 */
export const README_SCREENSHOT = process.env.TSI_README_SCREENSHOT;

export async function readmeScreenshot(browser: Browser, report: string, path: string): Promise<void> {
  const { page } = await openReport(browser, report, 1200);
  await page.screenshot({ path: path as `${string}.png`, clip: { x: 0, y: 0, width: 1200, height: 1400 } });
  await page.close();
}

/** What the page shows, as its machine-readable attributes say. */
export interface ShownReport {
  title: string;
  madeAt: string | null;
  database: string | null;
  charts: { name: string; source: string; marks: number }[];
  skyPoints: number;
  /** data-figures group → data-figure name → data-value. */
  figures: Record<string, Record<string, string>>;
  /** data-table name → rows of data-value cells. */
  tables: Record<string, string[][]>;
}

// Runs in the page (plain JS: the project's TypeScript has no DOM types).
const READ_PAGE = `(() => {
  const all = (root, selector) => [...root.querySelectorAll(selector)];
  return {
    title: document.querySelector('h1').textContent,
    madeAt: document.querySelector('[data-made-at]')?.dataset.madeAt ?? null,
    database: document.querySelector('[data-database]')?.dataset.database ?? null,
    charts: all(document, 'figure.chart').map((f) => ({ name: f.dataset.chart, source: f.dataset.source, marks: all(f, 'svg .role-mark > *').length })),
    skyPoints: all(document, 'figure[data-chart="sky-map"] svg g.mark-symbol.role-mark > path').length,
    figures: Object.fromEntries(all(document, '[data-figures]').map((g) => [g.dataset.figures, Object.fromEntries(all(g, '[data-figure]').map((f) => [f.dataset.figure, f.dataset.value]))])),
    tables: Object.fromEntries(all(document, '[data-table]').map((t) => [t.dataset.table, all(t, 'tbody tr').map((r) => all(r, 'td').map((c) => c.dataset.value))])),
  };
})()`;

export async function readShownReport(page: Page): Promise<ShownReport> {
  return (await page.evaluate(READ_PAGE)) as ShownReport;
}
