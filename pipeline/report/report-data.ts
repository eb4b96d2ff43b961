import type { Store } from '../../sql/store.js';
import { UnknownScheduleError } from '../../base/errors.js';
import { fetchSkyMapBlocks, listSchedules, type SkyMapBlock } from '../../queries/block-reads.js';
import { compareSchedules, type ComparisonReport } from '../../queries/compare-reads.js';
import type { ReadOptions, ReadSource } from '../../queries/read-options.js';
import { getSummaryReport, type SummaryReport } from '../../queries/summary-reads.js';
import { fetchTimeline, type Timeline } from '../../queries/timeline-reads.js';
import { getVisibilityHistogram, getVisibilityMetadata, type HistogramBin, type VisibilityMetadata } from '../../queries/visibility-reads.js';
import { scheduleGaps, type ScheduleGaps } from '../../stages/core/schedule-gaps.js';

/** The report's parts; each chart shows which path answered its reads. */
export type ReportPart = 'sky-map' | 'summary' | 'visibility-over-time' | 'timeline';

/** Diff rows shown per comparison. */
export const DIFF_ROWS = 20;

/** Bin widths (minutes) the visibility-over-time chart chooses from, and the most bins it draws. */
const NICE_BIN_MINUTES = [1, 5, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 43200];
const MAX_OVER_TIME_BINS = 240;

export interface VisibilityOverTime {
  binMinutes: number;
  all: HistogramBin[];
  scheduled: HistogramBin[];
}

/** Everything the report shows, as the library's reads returned it. */
export interface ReportData {
  scheduleId: number;
  names: Map<number, string>;
  sky: SkyMapBlock[];
  summary: SummaryReport;
  metadata: VisibilityMetadata;
  /** null for a schedule without any visibility period (no time range). */
  overTime: VisibilityOverTime | null;
  timeline: Timeline;
  gaps: ScheduleGaps;
  comparison: ComparisonReport | null;
  sources: Record<ReportPart, ReadSource>;
}

/** The smallest nice width that draws the range in at most MAX_OVER_TIME_BINS bins (183 days → 1 day). */
export function overTimeBinMinutes(rangeSeconds: number): number {
  return NICE_BIN_MINUTES.find((w) => rangeSeconds / (w * 60) <= MAX_OVER_TIME_BINS) ?? NICE_BIN_MINUTES[NICE_BIN_MINUTES.length - 1];
}

export async function readReportData(store: Store, scheduleId: number, compare: readonly number[], base: ReadOptions = {}): Promise<ReportData> {
  const sources: Partial<Record<ReportPart, ReadSource>> = {};
  // A part is 'legacy' as soon as one of its reads fell back.
  const part = (name: ReportPart): ReadOptions => ({
    ...base,
    onSource: (read, source) => { if (sources[name] !== 'legacy') sources[name] = source; base.onSource?.(read, source); },
  });
  const names = new Map((await listSchedules(store)).map((s) => [s.schedule_id, s.schedule_name]));
  for (const id of [scheduleId, ...compare]) if (!names.has(id)) throw new UnknownScheduleError(id);
  const sky = await fetchSkyMapBlocks(store, scheduleId, part('sky-map'));
  const summary = await getSummaryReport(store, scheduleId, part('summary'));
  const metadata = await getVisibilityMetadata(store, scheduleId, part('visibility-over-time'));
  let overTime: VisibilityOverTime | null = null;
  if (metadata.total_bins > 0) {
    const binMinutes = overTimeBinMinutes(metadata.time_range_end_unix - metadata.time_range_start_unix);
    const options = part('visibility-over-time');
    overTime = {
      binMinutes,
      all: await getVisibilityHistogram(store, { scheduleId, binMinutes }, options),
      scheduled: await getVisibilityHistogram(store, { scheduleId, binMinutes, scheduled: true }, options),
    };
  }
  const timeline = await fetchTimeline(store, { scheduleId }, part('timeline'));
  const gaps = scheduleGaps(Float64Array.from(timeline.blocks, (b) => b.scheduled_start_unix), Float64Array.from(timeline.blocks, (b) => b.scheduled_stop_unix));
  const comparison = compare.length === 0 ? null : await compareSchedules(store, scheduleId, compare, { ...base, rows: DIFF_ROWS, coverage: true });
  return {
    scheduleId, names, sky, summary, metadata, overTime, timeline, gaps, comparison,
    sources: { 'sky-map': sources['sky-map']!, summary: summary.source, 'visibility-over-time': sources['visibility-over-time']!, timeline: timeline.source },
  };
}
