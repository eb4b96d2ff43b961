import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../../sql/store.js';
import type { ReadOptions } from '../../queries/read-options.js';
import { readReportData } from './report-data.js';
import { reportHtml } from './report-html.js';
import { defaultReportPath, type ReportRequest, type WrittenReport } from './report-request.js';

/**
 * Writes one self-contained HTML report of a schedule (and its comparisons):
 * every chart is an SVG drawn here with Vega-Lite, every style is inline,
 * there is no script, so the file opens offline and asks for nothing.
 */
export async function writeReport(store: Store, request: ReportRequest, options: ReadOptions = {}): Promise<WrittenReport> {
  const started = performance.now();
  const data = await readReportData(store, request.scheduleId, request.compare ?? [], options);
  const html = await reportHtml(data, { madeAt: new Date(), database: store.description });
  const path = resolve(request.out ?? defaultReportPath(request.scheduleId));
  writeFileSync(path, html);
  return { path, bytes: Buffer.byteLength(html), seconds: (performance.now() - started) / 1000 };
}
