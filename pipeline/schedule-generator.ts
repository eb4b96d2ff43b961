/**
 * Deterministic, streaming generator of a realistic synthetic schedule for
 * the normalized source tables (SEMANTICS.md "Source (normalized) tables").
 *
 * Model, in one place:
 * - Randomness: sfc32 (Chris Doty-Humphrey's Small Fast Counter, 128-bit
 *   state) seeded through splitmix32 and warmed up 12 rounds. One stream is
 *   drawn in block order, so the same options give byte-identical output.
 * - Sky: targets uniform on the sphere (ra uniform, dec = asin(uniform(-1, 1))).
 * - Site: on the equator at longitude 0, so local midnight is 0h UT and a
 *   target transits when Greenwich sidereal time equals its ra. Night `n`
 *   (evening of day `startMjd + n`) is dark for 11 h around midnight
 *   `startMjd + n + 1`; those nights are the schedule's dark periods.
 * - Visibility on night `n`: the target is observable within the hour angle
 *   where it stands above 15° altitude, capped at ±7 h, intersected with the
 *   dark period, and at most 8 h (the 8 h nearest the transit); nights
 *   shorter than 1 h are dropped. Windows limited by the
 *   target's rise, set or hour-angle cap drift 3.93 min earlier each night
 *   (one sidereal day is 0.99727 solar days); targets with |dec| > 75° never
 *   reach 15° (about 3.4% of a uniform sky: the "never visible" `[]` blocks).
 *   About a third of nights are split in two by a constraint gap of
 *   10–40 min. Together these give W10k (10,000 × 183 days) its ~180
 *   periods and ~9 KB of JSON per block, as the issue describes.
 * - Scheduling: a greedy scheduler places about a third of the blocks (more
 *   likely at high priority) inside one of their visibility periods, on a
 *   minute grid of the dark time that it keeps free of overlaps. When the
 *   schedule is oversubscribed each window is clipped to a fair share of the
 *   dark time, so the scheduled fraction holds up to about one scheduled
 *   block per dark minute (≈ 330k blocks over 183 nights); beyond that the
 *   grid is full and the share falls (1M blocks × 183 nights: 12%), rather
 *   than the schedule filling with overlaps. About 1% of the scheduled
 *   blocks are deliberate conflicts: each lies inside one regular window, so
 *   every conflict is exactly one overlapping pair.
 *
 * Memory is O(days), never O(blocks): per-night tables, the minute grid and
 * one reused PeriodBuffer; each block allocates its JSON string and its row.
 */
import { createHash } from 'node:crypto';
import { PeriodBuffer } from '../stages/core/period-buffer.js';
import { sfc32FromSeed, type Rng } from './seeded-random.js';

export interface GenerateOptions {
  /** Number of scheduling blocks, a non-negative integer. */
  blocks: number;
  /** Number of nights the schedule spans, 1..3660. */
  days: number;
  /** Any safe integer; the same seed gives byte-identical output. */
  seed: number;
  /** First day of the schedule. Default 60676 (2025-01-01). */
  startMjd?: number;
  /** Schedule name. Default `synthetic-<blocks>x<days>-seed<seed>`. */
  name?: string;
}

export interface GeneratedSchedule {
  schedule_name: string;
  /** sha256 hex of the resolved options and the generator version; stable. */
  checksum: string;
  /** The schedule's dark periods, in the visibility JSON format. */
  dark_periods_json: string | null;
}

/** One generated block with everything the 7 source tables need; ids are 1-based ordinals within the schedule (the loader offsets them). */
export interface GeneratedBlock {
  ordinal: number;
  target: { name: string; ra_deg: number; dec_deg: number; ra_pm_masyr: number; dec_pm_masyr: number; equinox: number };
  altitude: { min_alt_deg: number | null; max_alt_deg: number | null } | null;
  azimuth: { min_az_deg: number | null; max_az_deg: number | null } | null;
  constraintWindow: { start_time_mjd: number | null; stop_time_mjd: number | null } | null; // null → block has no constraints row
  /** Always null: a generated block's key is its scheduling_block_id. */
  original_block_id: null;
  priority: number;
  min_observation_sec: number;
  requested_duration_sec: number;
  visibility_periods_json: string | null;
  scheduled_start_mjd: number | null;
  scheduled_stop_mjd: number | null;
}

/** 2025-01-01. */
const DEFAULT_START_MJD = 60676;
/** Part of the checksum: a change to the model must change the checksum of the data it produces. */
const GENERATOR_VERSION = 2;
/** Ten years: the minute grid costs 2.6 KB per night. */
const MAX_DAYS = 3660;

const MINUTES_PER_DAY = 1440;
const MJD_J2000 = 51544.5;
const GMST_J2000_DEG = 280.46061837;
const SIDEREAL_DEG_PER_DAY = 360.98564736629;
const DEG = Math.PI / 180;

/** Dark time per night, centred on local midnight. */
const DARK_MINUTES = 660;
const DARK_HALF_DAYS = DARK_MINUTES / 2 / MINUTES_PER_DAY;
const MIN_ALTITUDE_DEG = 15;
const HOUR_ANGLE_LIMIT_DEG = 105;
/** Longest window one night: the 1–8 h. */
const MAX_WINDOW_DAYS = 8 / 24;
const MIN_WINDOW_DAYS = 1 / 24;
const MIN_SPLIT_GAP_MIN = 10;
const MAX_SPLIT_GAP_MIN = 40;

const P_NULL_JSON = 0.01;
const P_EMPTY_STRING_JSON = 0.005;
const P_DUPLICATED_PERIOD = 0.005;
const P_ZERO_LENGTH_PERIOD = 0.005;
const P_SPLIT_NIGHT = 0.35;
const P_CONSTRAINTS = 0.9;
/** Conditional on a constraints row: 0.8 and 0.4 of all blocks. */
const P_ALTITUDE_GIVEN_CONSTRAINTS = 0.8 / P_CONSTRAINTS;
const P_AZIMUTH_GIVEN_CONSTRAINTS = 0.4 / P_CONSTRAINTS;
const P_ONE_SIDE_NULL = 0.1;
const P_OPEN_CONSTRAINT_WINDOW_SIDE = 0.05;
/**
 * Attempt probability rises linearly with priority from 0.225 (priority 1) to
 * 0.525 (priority 10); the mean 0.375 over blocks with visibility gives about
 * a third of all blocks scheduled.
 */
const P_SCHEDULE_LOW = 0.225;
const P_SCHEDULE_HIGH = 0.525;
const MEAN_SCHEDULE_ATTEMPT = (P_SCHEDULE_LOW + P_SCHEDULE_HIGH) / 2;
const P_CONFLICT = 0.01;
/** Share of the dark time the fair-share clip aims to fill, leaving room for fragmentation. */
const SCHEDULE_FILL = 0.7;

/**
 * Describes the schedule row for `o`: its name, a checksum that is stable for
 * the same resolved options, and the dark periods (one per night).
 * Defaults: `startMjd` 60676, `name` `synthetic-<blocks>x<days>-seed<seed>`.
 * @throws RangeError naming the bad option.
 */
export function describeSchedule(o: GenerateOptions): GeneratedSchedule {
  const r = resolveOptions(o);
  const canonical = JSON.stringify({
    generator: GENERATOR_VERSION,
    blocks: r.blocks,
    days: r.days,
    seed: r.seed,
    startMjd: r.startMjd,
    name: r.name,
  });
  let dark = '[';
  for (let n = 0; n < r.days; n++) {
    const midnight = r.startMjd + n + 1;
    if (n > 0) dark += ',';
    dark += periodJson(round10(midnight - DARK_HALF_DAYS), round10(midnight + DARK_HALF_DAYS));
  }
  return {
    schedule_name: r.name,
    checksum: createHash('sha256').update(canonical).digest('hex'),
    dark_periods_json: dark + ']',
  };
}

/**
 * Lazily yields `o.blocks` blocks, ordinals 1..blocks, deterministic for the
 * options. The options are checked at once; nothing else is computed before
 * the first `next()`, and memory stays O(days) however many blocks are drawn.
 * Defaults as in `describeSchedule`.
 * @throws RangeError naming the bad option.
 */
export function generateBlocks(o: GenerateOptions): Generator<GeneratedBlock> {
  return blockStream(resolveOptions(o));
}

function* blockStream(r: ResolvedOptions): Generator<GeneratedBlock> {
  const rng = sfc32FromSeed(r.seed);
  const nights = new NightTable(r.startMjd, r.days);
  const scheduler = new GreedyScheduler(nights, r.blocks);
  const periods = new PeriodBuffer();
  for (let ordinal = 1; ordinal <= r.blocks; ordinal++) {
    yield nextBlock(ordinal, r, rng, nights, periods, scheduler);
  }
}

interface ResolvedOptions {
  blocks: number;
  days: number;
  seed: number;
  startMjd: number;
  name: string;
}

function resolveOptions(o: GenerateOptions): ResolvedOptions {
  if (!Number.isSafeInteger(o.blocks) || o.blocks < 0) throw new RangeError(`blocks must be a non-negative integer, got ${o.blocks}`);
  if (!Number.isSafeInteger(o.days) || o.days < 1 || o.days > MAX_DAYS) throw new RangeError(`days must be an integer in 1..${MAX_DAYS}, got ${o.days}`);
  if (!Number.isSafeInteger(o.seed)) throw new RangeError(`seed must be a safe integer, got ${o.seed}`);
  const startMjd = o.startMjd ?? DEFAULT_START_MJD;
  if (!Number.isFinite(startMjd)) throw new RangeError(`startMjd must be a finite number, got ${o.startMjd}`);
  const name = o.name ?? `synthetic-${o.blocks}x${o.days}-seed${o.seed}`;
  if (name.length === 0) throw new RangeError('name must not be empty');
  return { blocks: o.blocks, days: o.days, seed: o.seed, startMjd, name };
}

/** Per-night constants, computed once: the per-block loop then needs no trigonometry per night. */
class NightTable {
  readonly days: number;
  readonly startMjd: number;
  /** Local midnight of night n (0h UT at longitude 0). */
  readonly midnight: Float64Array;
  /** Greenwich sidereal time at that midnight, degrees in [0, 360). */
  readonly siderealDeg: Float64Array;

  constructor(startMjd: number, days: number) {
    this.days = days;
    this.startMjd = startMjd;
    this.midnight = new Float64Array(days);
    this.siderealDeg = new Float64Array(days);
    for (let n = 0; n < days; n++) {
      const m = startMjd + n + 1;
      this.midnight[n] = m;
      this.siderealDeg[n] = mod360(GMST_J2000_DEG + SIDEREAL_DEG_PER_DAY * (m - MJD_J2000));
    }
  }

  darkStart(n: number): number {
    return this.midnight[n] - DARK_HALF_DAYS;
  }

  /** The night whose dark period holds `mjd` (any time within 12 h of its midnight). */
  nightOf(mjd: number): number {
    return Math.round(mjd - this.startMjd - 1);
  }
}

/**
 * Schedules blocks on a minute grid of the dark time (slot = night · 660 +
 * minute of the dark period) with a "next free slot" union-find, so finding
 * free time costs near O(1) however full the grid is.
 */
class GreedyScheduler {
  private readonly nights: NightTable;
  /** nextFree[i] === i when slot i is free; otherwise a pointer towards the next free slot. The last entry is a sentinel. */
  private readonly nextFree: Int32Array;
  private readonly capMinutes: number;
  /** The latest regular window, a target for the next deliberate conflict (NaN when used up). */
  private lastStart = NaN;
  private lastStop = NaN;
  private conflictPending = false;
  start = NaN;
  stop = NaN;

  constructor(nights: NightTable, blocks: number) {
    this.nights = nights;
    const slots = nights.days * DARK_MINUTES;
    this.nextFree = new Int32Array(slots + 1);
    for (let i = 0; i <= slots; i++) this.nextFree[i] = i;
    const expectedScheduled = Math.max(1, blocks * MEAN_SCHEDULE_ATTEMPT);
    this.capMinutes = Math.max(1, Math.floor((slots * SCHEDULE_FILL) / expectedScheduled));
  }

  /** Asks for a deliberate conflict on one of the next scheduled blocks. */
  requestConflict(): void {
    this.conflictPending = true;
  }

  /**
   * Places a block inside one of `periods`, trying them from index `first`
   * on; sets `start`/`stop` (NaN when nothing fits) and returns whether it did.
   */
  place(periods: PeriodBuffer, first: number, requestedSec: number): boolean {
    if (this.conflictPending && this.placeConflict(periods, requestedSec)) return true;
    const need = Math.min(Math.ceil(requestedSec / 60), this.capMinutes);
    for (let j = 0; j < periods.length; j++) {
      const i = (first + j) % periods.length;
      if (this.placeInPeriod(periods.starts[i], periods.stops[i], need, requestedSec)) {
        this.lastStart = this.start;
        this.lastStop = this.stop;
        return true;
      }
    }
    this.start = this.stop = NaN;
    return false;
  }

  private placeInPeriod(s: number, e: number, need: number, requestedSec: number): boolean {
    if (e - s < 1 / MINUTES_PER_DAY) return false;
    const n = this.nights.nightOf(s);
    const darkStart = this.nights.darkStart(n);
    // The tolerance keeps a period that starts or stops on a minute edge from losing that minute to rounding.
    const firstMinute = Math.max(0, Math.ceil((s - darkStart) * MINUTES_PER_DAY - 1e-6));
    const endMinute = Math.min(DARK_MINUTES, Math.floor((e - darkStart) * MINUTES_PER_DAY + 1e-6));
    const base = n * DARK_MINUTES;
    const f = this.find(base + firstMinute);
    const b = base + endMinute;
    if (f >= b) return false;
    let end = f + 1;
    while (end < b && end - f < need && this.nextFree[end] === end) end++;
    for (let k = f; k < end; k++) this.nextFree[k] = end;
    const start = Math.max(s, darkStart + (f - base) / MINUTES_PER_DAY);
    const stop = Math.min(e, start + requestedSec / 86400, darkStart + (end - base) / MINUTES_PER_DAY);
    this.start = round10(start);
    this.stop = round10(stop);
    return true;
  }

  /** Puts the block inside the latest regular window where one of its periods overlaps it by at least a minute. */
  private placeConflict(periods: PeriodBuffer, requestedSec: number): boolean {
    if (Number.isNaN(this.lastStart)) return false;
    for (let i = 0; i < periods.length; i++) {
      const s = Math.max(periods.starts[i], this.lastStart);
      const e = Math.min(periods.stops[i], this.lastStop);
      if (e - s >= 1 / MINUTES_PER_DAY) {
        this.start = round10(s);
        this.stop = round10(Math.min(e, s + requestedSec / 86400));
        this.lastStart = this.lastStop = NaN;
        this.conflictPending = false;
        return true;
      }
    }
    return false;
  }

  private find(i: number): number {
    const p = this.nextFree;
    while (p[i] !== i) {
      const g = p[p[i]];
      p[i] = g;
      i = g;
    }
    return i;
  }
}

function nextBlock(
  ordinal: number,
  r: ResolvedOptions,
  rng: Rng,
  nights: NightTable,
  periods: PeriodBuffer,
  scheduler: GreedyScheduler,
): GeneratedBlock {
  const raDeg = round6(rng() * 360) % 360;
  const decDeg = round6(Math.asin(2 * rng() - 1) / DEG);
  const target = {
    name: `TGT-${ordinal.toString().padStart(7, '0')}`,
    ra_deg: raDeg,
    dec_deg: decDeg,
    ra_pm_masyr: round3((rng() - 0.5) * 40),
    dec_pm_masyr: round3((rng() - 0.5) * 40),
    equinox: 2000,
  };

  let altitude: GeneratedBlock['altitude'] = null;
  let azimuth: GeneratedBlock['azimuth'] = null;
  let constraintWindow: GeneratedBlock['constraintWindow'] = null;
  if (rng() < P_CONSTRAINTS) {
    constraintWindow = {
      start_time_mjd: rng() < P_OPEN_CONSTRAINT_WINDOW_SIDE ? null : r.startMjd,
      stop_time_mjd: rng() < P_OPEN_CONSTRAINT_WINDOW_SIDE ? null : r.startMjd + r.days + 1,
    };
    if (rng() < P_ALTITUDE_GIVEN_CONSTRAINTS) {
      const [min, max] = oneSideMaybeNull(rng, round1(15 + 25 * rng()), round1(70 + 20 * rng()));
      altitude = { min_alt_deg: min, max_alt_deg: max };
    }
    if (rng() < P_AZIMUTH_GIVEN_CONSTRAINTS) {
      const minAz = round1(180 * rng());
      const [min, max] = oneSideMaybeNull(rng, minAz, round1(Math.min(360, minAz + 90 + 180 * rng())));
      azimuth = { min_az_deg: min, max_az_deg: max };
    }
  }

  const priority = drawPriority(rng);
  const minObservationSec = 600 + 60 * Math.floor(rng() * 51);
  const lowestRequested = Math.max(1800, minObservationSec);
  const requestedSec = lowestRequested + 300 * Math.floor(rng() * (Math.floor((14400 - lowestRequested) / 300) + 1));

  const kind = rng();
  let json: string | null;
  periods.clear();
  if (kind < P_NULL_JSON) {
    json = null;
  } else if (kind < P_NULL_JSON + P_EMPTY_STRING_JSON) {
    json = '';
  } else {
    fillVisibility(periods, rng, nights, raDeg, decDeg);
    const quirk = kind - P_NULL_JSON - P_EMPTY_STRING_JSON;
    if (quirk < P_DUPLICATED_PERIOD) duplicatePeriod(periods, rng);
    else if (quirk < P_DUPLICATED_PERIOD + P_ZERO_LENGTH_PERIOD) insertZeroLengthPeriod(periods, rng, nights);
    json = visibilityJson(periods);
  }

  const attempt = rng() < P_SCHEDULE_LOW + ((P_SCHEDULE_HIGH - P_SCHEDULE_LOW) * (priority - 1)) / 9;
  if (attempt && rng() < P_CONFLICT) scheduler.requestConflict();
  const first = Math.floor(rng() * periods.length);
  const scheduled = attempt && periods.length > 0 && scheduler.place(periods, first, requestedSec);

  return {
    ordinal,
    target,
    altitude,
    azimuth,
    constraintWindow,
    original_block_id: null,
    priority,
    min_observation_sec: minObservationSec,
    requested_duration_sec: requestedSec,
    visibility_periods_json: json,
    scheduled_start_mjd: scheduled ? scheduler.start : null,
    scheduled_stop_mjd: scheduled ? scheduler.stop : null,
  };
}

/** Integers 1–10 (60%), halves 1.5–9.5 (35%), otherwise three decimals in [1, 10]: many ties, a few unique values. */
function drawPriority(rng: Rng): number {
  const u = rng();
  const v = rng();
  if (u < 0.6) return 1 + Math.floor(v * 10);
  if (u < 0.95) return 1.5 + Math.floor(v * 9);
  return round3(1 + 9 * v);
}

/** Leaves one side null with probability 0.1, either side equally often. */
function oneSideMaybeNull(rng: Rng, min: number, max: number): [number | null, number | null] {
  const u = rng();
  if (u < P_ONE_SIDE_NULL / 2) return [null, max];
  if (u < P_ONE_SIDE_NULL) return [min, null];
  return [min, max];
}

/** One window per night where the target is up in the dark, sorted and non-overlapping; about 10% split by a gap. */
function fillVisibility(periods: PeriodBuffer, rng: Rng, nights: NightTable, raDeg: number, decDeg: number): void {
  const cosH0 = Math.sin(MIN_ALTITUDE_DEG * DEG) / Math.cos(decDeg * DEG);
  if (!(cosH0 < 1)) return;
  const hourAngleDeg = Math.min(HOUR_ANGLE_LIMIT_DEG, Math.acos(Math.max(-1, cosH0)) / DEG);
  const upHalfDays = hourAngleDeg / SIDEREAL_DEG_PER_DAY;
  for (let n = 0; n < nights.days; n++) {
    const midnight = nights.midnight[n];
    // Hour angle at midnight in [-180, 180): the transit nearest midnight is that many sidereal degrees away.
    const haDeg = mod360(nights.siderealDeg[n] - raDeg + 180) - 180;
    const transit = midnight - haDeg / SIDEREAL_DEG_PER_DAY;
    let start = Math.max(midnight - DARK_HALF_DAYS, transit - upHalfDays);
    let stop = Math.min(midnight + DARK_HALF_DAYS, transit + upHalfDays);
    if (stop - start > MAX_WINDOW_DAYS) {
      // Keep the 8 h nearest the transit.
      const center = Math.min(Math.max(transit, start + MAX_WINDOW_DAYS / 2), stop - MAX_WINDOW_DAYS / 2);
      start = center - MAX_WINDOW_DAYS / 2;
      stop = center + MAX_WINDOW_DAYS / 2;
    }
    if (stop - start < MIN_WINDOW_DAYS) continue;
    if (rng() < P_SPLIT_NIGHT) {
      const gap = (MIN_SPLIT_GAP_MIN + (MAX_SPLIT_GAP_MIN - MIN_SPLIT_GAP_MIN) * rng()) / MINUTES_PER_DAY;
      const gapStart = start + (stop - start - gap) * (0.2 + 0.6 * rng());
      periods.push(round10(start), round10(gapStart));
      periods.push(round10(gapStart + gap), round10(stop));
    } else {
      periods.push(round10(start), round10(stop));
    }
  }
}

/** Repeats one period right after itself (the rare duplicate the union must count once). */
function duplicatePeriod(periods: PeriodBuffer, rng: Rng): void {
  const k = Math.floor(rng() * periods.length);
  if (periods.length > 0) insertAt(periods, k + 1, periods.starts[k], periods.stops[k]);
}

/** Inserts a zero-length period at noon of a random night (on a minute edge half the time when startMjd is whole), in sorted position. */
function insertZeroLengthPeriod(periods: PeriodBuffer, rng: Rng, nights: NightTable): void {
  const n = Math.floor(rng() * nights.days);
  const onMinuteEdge = rng() < 0.5;
  const offset = rng() / 24;
  const t = round10(nights.midnight[n] + 0.5 + (onMinuteEdge ? 0 : offset));
  let k = 0;
  while (k < periods.length && periods.starts[k] < t) k++;
  insertAt(periods, k, t, t);
}

function insertAt(periods: PeriodBuffer, index: number, start: number, stop: number): void {
  periods.push(start, stop);
  periods.starts.copyWithin(index + 1, index, periods.length - 1);
  periods.stops.copyWithin(index + 1, index, periods.length - 1);
  periods.starts[index] = start;
  periods.stops[index] = stop;
}

/**
 * Exactly `JSON.stringify` of `[{start, stop}, ...]`, no object per period.
 * Joined, not concatenated: `+=` leaves a rope of ~900 pieces per block that
 * lives until the batch is written (W10k `generate`: 353 MB peak RSS), while
 * `join` makes one flat string at once.
 */
function visibilityJson(periods: PeriodBuffer): string {
  const parts = new Array<string>(periods.length);
  for (let i = 0; i < periods.length; i++) parts[i] = periodJson(periods.starts[i], periods.stops[i]);
  return '[' + parts.join(',') + ']';
}

/** `String(x)` of a finite number is what JSON.stringify writes. */
function periodJson(start: number, stop: number): string {
  return '{"start":' + start + ',"stop":' + stop + '}';
}

function mod360(x: number): number {
  const m = x % 360;
  return m < 0 ? m + 360 : m;
}

// A 5-digit MJD with 10 decimals has 15 significant digits, which a double round-trips: it prints as rounded.
function round10(x: number): number {
  return Math.round(x * 1e10) / 1e10;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function round3(x: number): number {
  return Math.round(x * 1e3) / 1e3;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
