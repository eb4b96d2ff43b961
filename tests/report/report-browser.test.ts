import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { compareSchedules } from '../../queries/compare-reads.js';
import { fetchSkyMapBlocks } from '../../queries/block-reads.js';
import { getSummaryReport } from '../../queries/summary-reads.js';
import { fetchTimeline } from '../../queries/timeline-reads.js';
import { getVisibilityHistogram, getVisibilityMetadata } from '../../queries/visibility-reads.js';
import { DIFF_ROWS, overTimeBinMinutes } from '../../pipeline/report/report-data.js';
import { writeReport } from '../../pipeline/report/write-report.js';
import { DIFF_COLUMNS } from '../../pipeline/report/report-html.js';
import { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import {
  NO_BROWSER, README_SCREENSHOT, chromiumPath, launchBrowser, openReport, readShownReport, readmeScreenshot, screenshot, type ShownReport,
} from './browser.js';
import { loadReportSchedules, REPORT_BLOCKS } from './report-fixtures.js';

/** The value a figure shows, back as the read's type. */
const parsed = (v: string | undefined) => (v === undefined ? undefined : v === 'null' ? null : Number.isNaN(Number(v)) ? v : Number(v));
const numbers = (group: Record<string, string>) => Object.fromEntries(Object.entries(group).map(([k, v]) => [k, parsed(v)]));

// In CI the browser must be there (`.ci/run` installs it); elsewhere the test says why it does not run.
const required = process.env.CI === 'true';

describe('the HTML report in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsi-report-'));
  const dbPath = join(dir, 'report.db');
  let store: SqliteStore;
  let browser: Browser | undefined;
  let ids: { a: number; b: number };
  let single: ShownReport;
  let compared: ShownReport;

  beforeAll(async () => {
    store = new SqliteStore({ path: dbPath, create: true });
    await store.migrate();
    ids = await loadReportSchedules(store);
    if (!chromiumPath) return;
    browser = await launchBrowser();
    for (const [name, compare] of [['report-single', []], ['report-compare', [ids.b]]] as const) {
      const out = join(dir, `${name}.html`);
      await writeReport(store, { scheduleId: ids.a, compare, out });
      const opened = await openReport(browser, out);
      expect(opened.errors, 'console errors').toEqual([]);
      expect(opened.otherRequests, 'requests other than the file itself').toEqual([]);
      const shown = await readShownReport(opened.page);
      await screenshot(opened.page, name);
      if (README_SCREENSHOT && name === 'report-single') await readmeScreenshot(browser, out, README_SCREENSHOT);
      await opened.page.close();
      if (name === 'report-single') single = shown; else compared = shown;
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const needsBrowser = (ctx: { skip: (note?: string) => never }) => {
    if (chromiumPath) return;
    if (required) throw new Error(`CI=true but ${NO_BROWSER}`);
    ctx.skip(NO_BROWSER);
  };

  it('names the schedule, when it was made and the database, without any password', (ctx) => {
    needsBrowser(ctx);
    expect(single.title).toBe(`Schedule synthetic-${REPORT_BLOCKS}x21-seed11 (${ids.a})`);
    expect(Date.now() - Date.parse(single.madeAt!)).toBeLessThan(10 * 60_000);
    expect(single.database).toBe(store.description);
  });

  it('draws marks in every chart, and one sky-map point per block', async (ctx) => {
    needsBrowser(ctx);
    expect(single.charts.map((c) => c.name)).toEqual(['sky-map', 'priority-rates', 'visibility-histogram', 'heatmap', 'visibility-over-time', 'timeline']);
    expect(compared.charts.map((c) => c.name)).toEqual([...single.charts.map((c) => c.name), 'status-counts', 'coverage']);
    for (const chart of compared.charts) expect(chart.marks, chart.name).toBeGreaterThan(0);
    expect(single.skyPoints).toBe((await fetchSkyMapBlocks(store, ids.a)).length);
    expect(single.skyPoints).toBe(REPORT_BLOCKS);
    expect(new Set(compared.charts.map((c) => c.source))).toEqual(new Set(['analytics']));
  });

  it('shows the numbers the library reads return', async (ctx) => {
    needsBrowser(ctx);
    const { summary } = await getSummaryReport(store, ids.a);
    const shownSummary = numbers(single.figures.summary);
    expect(Object.keys(shownSummary).length).toBeGreaterThan(15);
    for (const [name, value] of Object.entries(shownSummary)) expect(value, name).toBe(summary[name as keyof typeof summary]);

    const sky = await fetchSkyMapBlocks(store, ids.a);
    expect(numbers(single.figures['sky-map'])).toEqual({ points: sky.length, scheduled: summary.scheduled_blocks, unscheduled: summary.unscheduled_blocks });

    const meta = await getVisibilityMetadata(store, ids.a);
    const binMinutes = overTimeBinMinutes(meta.time_range_end_unix - meta.time_range_start_unix);
    const bins = await getVisibilityHistogram(store, { scheduleId: ids.a, binMinutes });
    const scheduledBins = await getVisibilityHistogram(store, { scheduleId: ids.a, binMinutes, scheduled: true });
    const sum = (b: { count: number }[]) => b.reduce((n, x) => n + x.count, 0);
    expect(numbers(single.figures['visibility-over-time'])).toMatchObject({
      bin_minutes: binMinutes, bins: bins.length, max_visible: Math.max(...bins.map((b) => b.count)), scheduled_share: sum(scheduledBins) / sum(bins),
    });

    // The gap figures beside the timeline are the reference schedule's gaps of the Compare read.
    const timeline = await fetchTimeline(store, { scheduleId: ids.a });
    const { comparisons: [c] } = await compareSchedules(store, ids.a, [ids.b], { rows: DIFF_ROWS, coverage: true });
    const shownTimeline = numbers(single.figures.timeline);
    expect(shownTimeline).toMatchObject({ scheduled_count: timeline.scheduled_count, months: timeline.months.length, dark_periods: timeline.dark_periods.length });
    for (const name of ['scheduled_union_hours', 'gap_count', 'gap_total_hours', 'gap_mean_hours', 'gap_median_hours', 'gap_p90_hours', 'gap_max_hours'] as const) {
      expect(shownTimeline[name], name).toBeCloseTo(c.a[name] as number, 9);
    }

    const shownCompare = numbers(compared.figures[`compare-${ids.b}`]);
    for (const [status, count] of Object.entries(c.counts)) expect(shownCompare[`counts.${status}`], status).toBe(count);
    expect(c.counts.retimed + c.counts.newly_scheduled + c.counts.newly_unscheduled + c.counts.only_a).toBeGreaterThan(0);
    for (const name of ['match_ratio', 'median_shift_seconds', 'mad_shift_seconds', 'order_preservation', 'coverage_final_a', 'coverage_final_b', 'coverage_lead_top10'] as const) {
      expect(shownCompare[name], name).toBe(c[name]);
    }
    const sideBySide = compared.tables[`compare-${ids.b}-figures`];
    expect(sideBySide.map(([name]) => name)).toContain('priority_capture');
    for (const [name, a, b] of sideBySide) {
      expect(parsed(a), `A ${name}`).toBe(c.a[name as keyof typeof c.a]);
      expect(parsed(b), `B ${name}`).toBe(c.b[name as keyof typeof c.b]);
    }
    const rows = compared.tables[`compare-${ids.b}-rows`];
    expect(rows).toHaveLength(Math.min(DIFF_ROWS, c.rows.length));
    expect(rows).toEqual(c.rows.map((r) => DIFF_COLUMNS.map((k) => (r[k] === null ? 'null' : String(r[k])))));
  });
});
