import type { Store } from '../sql/store.js';
import type { Database } from '../sql/schema.js';
import { fetchLegacyBlocks } from '../queries/legacy/fetch-legacy-blocks.js';
import { computePhase1Legacy } from '../queries/legacy/phase1-legacy.js';
import { computePhase2Legacy } from '../queries/legacy/phase2-legacy.js';
import { minuteBinsLegacy } from '../queries/legacy/histogram-legacy.js';
import { getVisibilityHistogram } from '../queries/visibility-reads.js';
import { diffRows, type Drift } from './row-diff.js';
import { runSources } from '../sql/run-fingerprint.js';
import { remainingPhases } from '../sql/table-specs.js';

export interface VerifyReport {
  scheduleId: number;
  ok: boolean;
  phases: string | null;
  checked: string[];
  drifts: Drift[];
  seconds: number;
}

/** Histogram widths (minutes) checked against the legacy path. */
export const VERIFY_WIDTHS = [1, 60, 1440] as const;

type TableName = keyof Database;

async function stored(store: Store, table: TableName, scheduleId: number): Promise<Record<string, unknown>[]> {
  return (await store.db.selectFrom(table).selectAll().where('schedule_id' as never, '=', scheduleId as never).execute()) as Record<string, unknown>[];
}

/**
 * Recomputes a schedule's analytics through the legacy path (the join and
 * JSON.parse) and compares them with what the analytics tables hold: every
 * per-block row, every summary table, the metadata and every time bin, and
 * the histogram at a few widths. Also reports a source changed since the
 * populate (fingerprint). `onStep` is told each step as it begins (for a progress line).
 */
export async function verifySchedule(store: Store, scheduleId: number, onStep: (step: string) => void = () => {}): Promise<VerifyReport> {
  const started = performance.now();
  const drifts: Drift[] = [];
  const checked: string[] = [];
  onStep('reading the blocks and parsing their JSON');
  const blocks = await fetchLegacyBlocks(store, scheduleId);
  const run = await store.db.selectFrom('schedule_analytics_runs').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirst();
  const finish = (): VerifyReport => ({ scheduleId, ok: drifts.length === 0, phases: run?.phases ?? null, checked, drifts, seconds: (performance.now() - started) / 1000 });
  if (!run) {
    drifts.push({ table: 'schedule_analytics_runs', key: String(scheduleId), detail: 'no analytics: run `tsi-etl populate` (or backfill)' });
    return finish();
  }
  const fingerprint = await store.sourceFingerprint(scheduleId);
  const listed = remainingPhases(run.phases, []);
  const sources = runSources(run.source_fingerprint, listed);
  const older = listed.filter((p) => !sources.current.includes(p));
  if (fingerprint !== sources.fingerprint) {
    drifts.push({ table: 'source', key: String(scheduleId), detail: 'the source changed since the analytics were computed' });
  } else if (older.length > 0) {
    drifts.push({ table: 'source', key: String(scheduleId), detail: `phase${older.length === 1 ? '' : 's'} ${older.join(',')} came from an older source than the rest: populate ${older.length === 1 ? 'it' : 'them'} again` });
  }
  const phases = run.phases.split(',');
  const byBlock = (r: Record<string, unknown>) => String(r.scheduling_block_id);

  if (phases.includes('1')) {
    onStep('per-block rows');
    checked.push('schedule_blocks_analytics');
    drifts.push(...diffRows('schedule_blocks_analytics', computePhase1Legacy(blocks), await stored(store, 'schedule_blocks_analytics', scheduleId), byBlock));
  }
  if (phases.includes('2')) {
    onStep('summary tables');
    const p2 = computePhase2Legacy(blocks, run.n_bins);
    checked.push('schedule_summary_analytics', 'schedule_priority_rates', 'schedule_visibility_bins', 'schedule_heatmap_bins');
    drifts.push(
      ...diffRows('schedule_summary_analytics', [{ ...p2.summary, n_bins: run.n_bins }], await stored(store, 'schedule_summary_analytics', scheduleId), () => String(scheduleId)),
      ...diffRows('schedule_priority_rates', p2.priorityRates, await stored(store, 'schedule_priority_rates', scheduleId), (r) => String(r.priority_value)),
      ...diffRows('schedule_visibility_bins', p2.visibilityBins, await stored(store, 'schedule_visibility_bins', scheduleId), (r) => String(r.bin_index)),
      ...diffRows('schedule_heatmap_bins', p2.heatmapBins, await stored(store, 'schedule_heatmap_bins', scheduleId), (r) => `${r.visibility_bin_index}:${r.time_bin_index}`),
    );
  }
  if (phases.includes('3')) {
    onStep('time bins');
    let lo = Infinity;
    let hi = -Infinity;
    for (const b of blocks) {
      lo = Math.min(lo, b.priority);
      hi = Math.max(hi, b.priority);
    }
    const p3 = minuteBinsLegacy(blocks, lo, hi, run.bin_duration_seconds);
    const c = p3.bins;
    const bins = Array.from({ length: c.count }, (_, i) => ({
      bin_index: c.binIndex[i],
      bin_start_unix: c.binStartUnix[i],
      bin_end_unix: c.binStartUnix[i] + run.bin_duration_seconds,
      total_visible_count: c.total[i],
      priority_q1_count: c.q1[i],
      priority_q2_count: c.q2[i],
      priority_q3_count: c.q3[i],
      priority_q4_count: c.q4[i],
      scheduled_visible_count: c.scheduled[i],
      unscheduled_visible_count: c.unscheduled[i],
    }));
    checked.push('schedule_visibility_time_metadata', 'schedule_visibility_time_bins');
    drifts.push(
      ...diffRows('schedule_visibility_time_metadata', [p3.metadata], await stored(store, 'schedule_visibility_time_metadata', scheduleId), () => String(scheduleId)),
      ...diffRows('schedule_visibility_time_bins', bins, await stored(store, 'schedule_visibility_time_bins', scheduleId), (r) => String(r.bin_index)),
    );
    if (p3.metadata.total_bins > 0) {
      for (const binMinutes of VERIFY_WIDTHS) {
        onStep(`histogram at ${binMinutes} min`);
        const query = { scheduleId, binMinutes };
        const fast = await getVisibilityHistogram(store, query);
        const legacy = await getVisibilityHistogram(store, query, { useAnalyticsTable: false });
        checked.push(`histogram@${binMinutes}min`);
        drifts.push(...diffRows(`histogram@${binMinutes}min`, legacy, fast, (r) => String(r.binStartUnix)));
      }
    }
  }
  return finish();
}
