import { createHash } from 'node:crypto';
import { UnknownScheduleError } from '../base/errors.js';
import { selectScheduledSpan, selectScheduleLinks, type ScheduleLinkRow } from '../sql/queries/schedule-links.js';
import type { Store } from '../sql/store.js';
import { sfc32FromSeed, type Rng } from './seeded-random.js';
import { SourceTableWriter } from './source-table-writer.js';

export interface VariantOptions {
  /** The schedule whose blocks the variant links. */
  variantOf: number;
  /** Random seed: the same seed gives the same variant. @default 1 */
  seed?: number;
  /** Expected fraction of the blocks that change, in [0, 1]. @default 0.2 */
  change?: number;
  /** @default "<name of S> variant seed<seed> change<change>" */
  name?: string;
}

/** How the variant differs from its schedule, block by block. */
export interface VariantChanges {
  /** Unscheduled in S, scheduled in the variant. */
  newly_scheduled: number;
  /** Scheduled in S, unscheduled in the variant. */
  newly_unscheduled: number;
  /** Scheduled in both, moved by 2 s to 6 h. */
  retimed: number;
  /** In S, not linked by the variant. */
  left_out: number;
  /** Linked as in S. */
  unchanged: number;
}

export interface VariantSummary {
  scheduleId: number;
  variantOf: number;
  /** Blocks the variant links. */
  blocks: number;
  changes: VariantChanges;
  seconds: number;
}

/** Links read (and written) per round trip. */
const LINK_CHUNK_ROWS = 2000;
/** Part of the checksum: a change to the model must change the checksum of what it writes. */
const VARIANT_VERSION = 2;
/** A retime moves a window by 2 s · 10800^u (log-uniform, 2 s to 6 h), earlier or later. */
const MIN_SHIFT_SEC = 2;
const SHIFT_RANGE = 10_800;

/**
 * Writes a variant of schedule S: a new schedule that links the same
 * `scheduling_blocks` rows as S (a new `schedules` row and new
 * `schedule_scheduling_blocks` rows; no block, target or constraint rows),
 * scheduled differently. Each block changes with probability `change`: a
 * scheduled block is retimed (half of them), unscheduled (3 in 10) or left
 * out (1 in 5); an unscheduled one is scheduled somewhere in S's scheduled
 * span (7 in 10), for S's mean window or its requested duration when
 * shorter, or left out. One random stream
 * drawn in block order, so a seed gives the same variant; the checksum
 * covers S's checksum, the seed and `change`, so it differs from S's and
 * between seeds (the same options twice are rejected as a duplicate). S's
 * links are read in chunks and written in one transaction.
 * @throws UnknownScheduleError for an unknown S; RangeError for a bad seed or change.
 */
export async function loadVariantSchedule(store: Store, options: VariantOptions): Promise<VariantSummary> {
  const started = performance.now();
  const seed = options.seed ?? 1;
  const change = options.change ?? 0.2;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  if (!(change >= 0 && change <= 1)) throw new RangeError(`change must be a fraction in [0, 1], got ${change}`);
  const source = await store.db.selectFrom('schedules').select(['schedule_name', 'checksum', 'dark_periods_json']).where('schedule_id', '=', options.variantOf).executeTakeFirst();
  if (!source) throw new UnknownScheduleError(options.variantOf);
  const span = await selectScheduledSpan(store.db, options.variantOf).executeTakeFirst();
  const placer = newWindowPlacer(span?.first_start ?? null, span?.last_stop ?? null, span?.mean_window_days ?? null);

  const tx = await store.beginSourceLoad();
  try {
    const scheduleId = await tx.createSchedule({
      schedule_name: options.name ?? `${source.schedule_name} variant seed${seed} change${change}`,
      checksum: createHash('sha256').update(JSON.stringify({ variant: VARIANT_VERSION, of: source.checksum, seed, change })).digest('hex'),
      dark_periods_json: source.dark_periods_json,
    });
    const writer = new SourceTableWriter(tx);
    const links = writer.batchers.schedule_scheduling_blocks;
    const rng = sfc32FromSeed(seed);
    const changes: VariantChanges = { newly_scheduled: 0, newly_unscheduled: 0, retimed: 0, left_out: 0, unchanged: 0 };
    const window = { start: null as number | null, stop: null as number | null };
    for await (const rows of store.streamQuery<ScheduleLinkRow>(selectScheduleLinks(store.db, options.variantOf).compile(), LINK_CHUNK_ROWS)) {
      for (const row of rows) {
        const kind = varyLink(row, rng, change, placer, window);
        changes[kind]++;
        if (kind === 'left_out') continue;
        links.values.push(scheduleId, Number(row.scheduling_block_id), window.start, window.stop);
        links.endRow();
      }
      await writer.flush();
    }
    await tx.commit();
    const blocks = changes.newly_scheduled + changes.newly_unscheduled + changes.retimed + changes.unchanged;
    return { scheduleId, variantOf: options.variantOf, blocks, changes, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await tx.rollback();
    throw error;
  }
}

/** A newly scheduled block's window: placed uniformly in S's scheduled span (null when S schedules nothing). */
type WindowPlacer = ((u: number, requestedSec: number) => { start: number; stop: number }) | null;

/**
 * Windows as long as S's mean scheduled window, or the block's requested
 * duration when shorter, so a variant is scheduled like S (its full requested
 * durations would have made a variant's scheduled hours several times S's).
 */
function newWindowPlacer(firstStart: number | null, lastStop: number | null, meanWindowDays: number | null): WindowPlacer {
  if (firstStart === null || lastStop === null || meanWindowDays === null) return null;
  // Whole seconds (the mean too: the dialects may sum it in another order), so the window survives the
  // millisecond rounding of SEMANTICS "Time" unchanged and is the same on every store.
  const meanSec = Math.max(1, Math.round(Number(meanWindowDays) * 86_400));
  return (u, requestedSec) => {
    const seconds = Math.min(requestedSec, meanSec);
    const start = Math.round((firstStart + u * Math.max(0, lastStop - firstStart - seconds / 86_400)) * 86_400) / 86_400;
    return { start, stop: start + seconds / 86_400 };
  };
}

/** Decides one block's fate and sets `out` to its window in the variant. */
function varyLink(row: ScheduleLinkRow, rng: Rng, change: number, placer: WindowPlacer, out: { start: number | null; stop: number | null }): keyof VariantChanges {
  out.start = row.start_time_mjd;
  out.stop = row.stop_time_mjd;
  if (rng() >= change) return 'unchanged';
  const kind = rng();
  const scheduled = out.start !== null && out.stop !== null;
  if (scheduled && kind < 0.5) {
    const shiftDays = (rng() < 0.5 ? -1 : 1) * MIN_SHIFT_SEC * SHIFT_RANGE ** rng() / 86_400;
    out.start! += shiftDays;
    out.stop! += shiftDays;
    return 'retimed';
  }
  if (scheduled && kind < 0.8) {
    out.start = null;
    out.stop = null;
    return 'newly_unscheduled';
  }
  if (!scheduled && kind < 0.7 && placer !== null) {
    const window = placer(rng(), row.requested_duration_sec);
    out.start = window.start;
    out.stop = window.stop;
    return 'newly_scheduled';
  }
  return 'left_out';
}
