/*
 * Page reads from the analytics tables against the legacy path (the joined
 * query and one JSON.parse per block, `{ useAnalyticsTable: false }`):
 * - sky map: `fetchSkyMapBlocks`;
 * - visibility histogram: `getVisibilityHistogram` over the whole range with
 *   60-minute bins, and over one night (the middle dark period) with 1-minute bins.
 * Each read runs once untimed per path (warm-up), then `repeats` timed times
 * per path; both paths must return the same answer, and the analytics path
 * must answer by itself (a silent fallback to legacy fails the bench).
 *
 * Fixture: W10k (10,000 blocks × 183 nights, seed 1), populated (all phases,
 * 60-second bins) in the same process before anything is timed.
 * Run: npm run bench. Medians of 5 calls (2-core Intel Xeon VM shared with other jobs (load average ~7.6), Node 20.20.2, 2026-11-26), analytics vs legacy:
 *   sky map 53 vs 1,442 ms (27×); histogram whole range 60-min 73 vs 7,028 ms (96×);
 *   one night 1-min 47 vs 6,415 ms (137×). The legacy histogram includes a needless full
 *   minute-bin computation (see bench/README.md); without it, about 10–15×.
 */
import { sql } from 'kysely';
import pino from 'pino';
import { populateSchedule } from '../pipeline/populate.js';
import { fetchSkyMapBlocks } from '../queries/block-reads.js';
import type { ReadOptions } from '../queries/read-options.js';
import { getVisibilityHistogram, getVisibilityMetadata } from '../queries/visibility-reads.js';
import { openStore } from '../sql/create-store.js';
import type { Store } from '../sql/store.js';
import { mjdToUnix } from '../stages/core/time.js';

export interface ReadsRunArgs {
  /** A fresh copy of a fixture database (this run populates it). */
  path: string;
  scheduleId: number;
  /** Timed calls per read and path. */
  repeats: number;
}

/** One read measured on both paths: milliseconds per call, and the size of its (identical) answer. */
export interface ReadMeasurement {
  name: string;
  rows: number;
  analyticsMs: number[];
  legacyMs: number[];
}

interface ReadVariant {
  name: string;
  run(options: ReadOptions): Promise<unknown[]>;
  /** What must be equal between the two paths, as a string. */
  fingerprint(rows: unknown[]): string;
}

/** The middle night of the schedule (its dark periods), widened to whole minutes. */
async function middleNight(store: Store, scheduleId: number): Promise<[number, number]> {
  const { rows } = await sql<{ dark: string | null }>`SELECT dark_periods_json AS dark FROM schedules WHERE schedule_id = ${scheduleId}`.execute(store.db);
  const nights = JSON.parse(rows[0]?.dark ?? '[]') as { start: number; stop: number }[];
  if (nights.length === 0) throw new Error(`schedule ${scheduleId} has no dark periods to pick a night from`);
  const night = nights[nights.length >> 1];
  return [Math.floor(mjdToUnix(night.start) / 60) * 60, Math.ceil(mjdToUnix(night.stop) / 60) * 60];
}

async function readVariants(store: Store, scheduleId: number): Promise<ReadVariant[]> {
  const meta = await getVisibilityMetadata(store, scheduleId, { useAnalyticsTable: true });
  const [nightStart, nightEnd] = await middleNight(store, scheduleId);
  const histogram = (startUnix: number, endUnix: number, binMinutes: number) => (options: ReadOptions) =>
    getVisibilityHistogram(store, { scheduleId, startUnix, endUnix, binMinutes }, options);
  const counts = (rows: unknown[]) => (rows as { binStartUnix: number; binEndUnix: number; count: number }[])
    .map((b) => `${b.binStartUnix}-${b.binEndUnix}:${b.count}`).join(',');
  return [
    {
      name: 'sky map blocks',
      run: (options) => fetchSkyMapBlocks(store, scheduleId, options),
      fingerprint: (rows) => (rows as { scheduling_block_id: number; priority_bucket: number; is_scheduled: number }[])
        .map((b) => `${b.scheduling_block_id}:${b.priority_bucket}:${b.is_scheduled}`).join(','),
    },
    {
      name: 'histogram, whole range, 60-min bins',
      run: histogram(meta.time_range_start_unix, meta.time_range_end_unix, 60),
      fingerprint: counts,
    },
    { name: 'histogram, one night, 1-min bins', run: histogram(nightStart, nightEnd, 1), fingerprint: counts },
  ];
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

/**
 * Populates the copy, then measures each read on both paths.
 * @throws Error when the paths disagree or the analytics path fell back to legacy.
 */
export async function readsOnce(args: ReadsRunArgs): Promise<ReadMeasurement[]> {
  const store = await openStore(args.path);
  try {
    await populateSchedule(store, args.scheduleId);
    const fallbacks: string[] = [];
    const analytics: ReadOptions = { useAnalyticsTable: true, log: pino({ level: 'debug' }, {
      write: (line: string) => {
        if (line.includes('legacy path')) fallbacks.push(line);
      },
    }) };
    const legacy: ReadOptions = { useAnalyticsTable: false };
    const results: ReadMeasurement[] = [];
    for (const v of await readVariants(store, args.scheduleId)) {
      const [fromAnalytics, fromLegacy] = [await v.run(analytics), await v.run(legacy)];
      if (fallbacks.length > 0) throw new Error(`${v.name}: the analytics path fell back to legacy: ${fallbacks.join(' ')}`);
      if (fromAnalytics.length === 0 || v.fingerprint(fromAnalytics) !== v.fingerprint(fromLegacy)) {
        throw new Error(`${v.name}: analytics and legacy answers differ (${fromAnalytics.length} vs ${fromLegacy.length} rows)`);
      }
      const m: ReadMeasurement = { name: v.name, rows: fromAnalytics.length, analyticsMs: [], legacyMs: [] };
      for (let r = 0; r < args.repeats; r++) {
        m.analyticsMs.push(await timed(() => v.run(analytics)));
        m.legacyMs.push(await timed(() => v.run(legacy)));
      }
      if (fallbacks.length > 0) throw new Error(`${v.name}: the analytics path fell back to legacy while timed: ${fallbacks.join(' ')}`);
      results.push(m);
    }
    return results;
  } finally {
    await store.close();
  }
}
