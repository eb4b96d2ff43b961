import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml, figureList } from '../../pipeline/report/html.js';
import { monthSpans } from '../../pipeline/report/month-spans.js';
import { thinCurve } from '../../pipeline/report/report-charts.js';
import { renderChart } from '../../pipeline/report/render-chart.js';
import { overTimeBinMinutes } from '../../pipeline/report/report-data.js';
import { writeReport } from '../../pipeline/report/write-report.js';
import { insertSchedule, periodsJson, withStore } from '../helpers.js';

const DAY = 86_400;
const utc = (iso: string) => Date.parse(iso) / 1000;

describe('report parts', () => {
  it('splits a window at month boundaries into days of each month', () => {
    expect(monthSpans(utc('2025-01-31T18:00Z'), utc('2025-02-01T06:00Z'))).toEqual([
      { month: '2025-01', fromDay: 30.75, toDay: 31 },
      { month: '2025-02', fromDay: 0, toDay: 0.25 },
    ]);
    expect(monthSpans(utc('2025-03-02T00:00Z'), utc('2025-03-02T00:00Z'))).toEqual([]);
    expect(monthSpans(utc('2024-12-31T12:00Z'), utc('2025-02-01T00:00Z')).map((s) => s.month)).toEqual(['2024-12', '2025-01']);
  });

  it('chooses the visibility-over-time width from the schedule length, at most 240 bins', () => {
    expect(overTimeBinMinutes(183 * DAY)).toBe(1440);
    expect(overTimeBinMinutes(21 * DAY)).toBe(180);
    expect(overTimeBinMinutes(30 * 3600)).toBe(15);
    expect(overTimeBinMinutes(60)).toBe(1);
    for (const days of [1, 7, 30, 365, 3660]) expect((days * DAY) / (overTimeBinMinutes(days * DAY) * 60)).toBeLessThanOrEqual(240);
  });

  it('escapes text and keeps exact values in data attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = figureList('g', [{ name: 'rate', label: 'rate <%>', value: 1 / 3 }, { name: 'none', label: 'none', value: null }]);
    expect(html).toContain(`data-figure="rate" data-value="${1 / 3}"><dt>rate &lt;%&gt;</dt><dd>0.333</dd>`);
    expect(html).toContain('data-figure="none" data-value="null"><dt>none</dt><dd>—</dd>');
  });

  it('draws a chart as a static SVG with short numbers and hex colours', async () => {
    const svg = await renderChart({
      width: 100, height: 100, data: { values: [{ x: 1 / 3, y: 2 / 3, c: 1 }, { x: 0.5, y: 0.25, c: 2 }] },
      mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'c', type: 'quantitative' } },
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/role-mark[^>]*>(<path[^>]*>)+/)![0].match(/<path/g)).toHaveLength(2);
    expect(svg).not.toMatch(/ (transform|d)="[^"]*\d\.\d{2,}/);
    expect(svg).not.toContain('rgb(');
  });

  it('says "legacy" beside every part read from the source tables, for a schedule without analytics', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [
        { json: periodsJson([[60676.8, 60677.2]]), priority: 3, scheduled: [60676.9, 60677.0] },
        { json: periodsJson([[60677.8, 60678.1]]), priority: 7 },
      ], 'not populated <yet>');
      const dir = mkdtempSync(join(tmpdir(), 'tsi-report-'));
      try {
        const written = await writeReport(store, { scheduleId, out: join(dir, 'r.html') });
        const html = readFileSync(written.path, 'utf8');
        expect(written.bytes).toBe(Buffer.byteLength(html));
        expect(html).toContain(`<h1>Schedule not populated &lt;yet&gt; (${scheduleId})</h1>`);
        expect([...html.matchAll(/data-chart="([^"]+)" data-source="([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`)).toEqual(
          ['sky-map', 'priority-rates', 'visibility-histogram', 'heatmap', 'visibility-over-time', 'timeline'].map((c) => `${c}:legacy`),
        );
        // Offline by construction: no script, no external reference.
        expect(html).not.toMatch(/<script|<link| src=|url\((?!#)|@import/);
        expect(html.replaceAll(/ xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]+"/g, '')).not.toMatch(/https?:/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('an empty schedule', () => {
  it('still gets a report, with no time range and no timeline', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [{ json: null }], 'no periods');
      const dir = mkdtempSync(join(tmpdir(), 'tsi-report-'));
      try {
        const html = readFileSync((await writeReport(store, { scheduleId, out: join(dir, 'r.html') })).path, 'utf8');
        expect(html).toContain('<p>No scheduled block.</p>');
        expect(html).not.toContain('data-chart="visibility-over-time"');
        expect(html).toContain('data-figure="gap_count" data-value="0"');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('thinCurve', () => {
  it('keeps every k-th point and always the last, at most the given count', () => {
    const ranks = Array.from({ length: 1001 }, (_, i) => i + 1);
    const thin = thinCurve(ranks, 400);
    expect(thin.length).toBeLessThanOrEqual(400);
    expect(thin.at(-1)).toBe(1001);
    expect(thin.slice(0, 3)).toEqual([3, 6, 9]);
    expect(thinCurve([1, 2, 3], 400)).toEqual([1, 2, 3]);
  });
});
