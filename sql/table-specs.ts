import type { Database } from './schema.js';

/**
 * Column types as the writers need them: SQLite binds numbers, strings and
 * Buffers; SQL Server's bulk copy needs a declared type per column.
 */
export type ColumnKind = 'bigint' | 'int' | 'tinyint' | 'bit' | 'float' | 'nvarchar' | 'varbinary';

export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly nullable: boolean;
  /** Declared length of a bounded nvarchar (bulk copy's metadata must match the table); absent means MAX. */
  readonly maxLength?: number;
}

/** A table the pipeline writes in bulk, with the columns it supplies, in insert order. */
export interface TableSpec<Name extends keyof Database = keyof Database> {
  readonly name: Name;
  /** 'analytics' for derived tables, 'source' for the normalized tables (SQL Server: `dbo`). */
  readonly schema: 'analytics' | 'source';
  readonly columns: readonly ColumnSpec[];
  /**
   * The table is keyed by its first column and a row whose key exists
   * replaces the stored one (the stores upsert instead of inserting).
   */
  readonly upsert?: boolean;
}

/**
 * Rows to insert, row-major in one flat array: `values[r * columns.length + c]`.
 * One array per batch instead of one object per row keeps the hot path free of
 * per-row allocations.
 */
export interface RowBatch {
  readonly values: unknown[];
  readonly rowCount: number;
}

/** The longest `scheduling_blocks.original_block_id` (migration 005: NVARCHAR(256) / CHECK length <= 256). */
export const MAX_ORIGINAL_BLOCK_ID_LENGTH = 256;

const col = (name: string, kind: ColumnKind, nullable = false, maxLength?: number): ColumnSpec =>
  (maxLength === undefined ? { name, kind, nullable } : { name, kind, nullable, maxLength });

function table<Name extends keyof Database>(name: Name, schema: TableSpec['schema'], columns: ColumnSpec[], upsert = false): TableSpec<Name> {
  return Object.freeze({ name, schema, columns: Object.freeze(columns), ...(upsert ? { upsert } : {}) });
}

export const BLOCKS_ANALYTICS = table('schedule_blocks_analytics', 'analytics', [
  col('schedule_id', 'bigint'),
  col('scheduling_block_id', 'bigint'),
  col('target_ra_deg', 'float'),
  col('target_dec_deg', 'float'),
  col('priority', 'float'),
  col('priority_bucket', 'tinyint'),
  col('requested_duration_sec', 'int'),
  col('min_observation_sec', 'int'),
  col('min_altitude_deg', 'float', true),
  col('max_altitude_deg', 'float', true),
  col('min_azimuth_deg', 'float', true),
  col('max_azimuth_deg', 'float', true),
  col('is_scheduled', 'bit'),
  col('scheduled_start_mjd', 'float', true),
  col('scheduled_stop_mjd', 'float', true),
  col('total_visibility_hours', 'float'),
  col('visibility_period_count', 'int'),
  col('visibility_invalid', 'bit'),
]);

export const SUMMARY = table('schedule_summary_analytics', 'analytics', [
  col('schedule_id', 'bigint'),
  col('total_blocks', 'int'),
  col('scheduled_blocks', 'int'),
  col('unscheduled_blocks', 'int'),
  col('impossible_blocks', 'int'),
  col('invalid_visibility_blocks', 'int'),
  col('scheduling_rate', 'float'),
  col('priority_min', 'float', true),
  col('priority_max', 'float', true),
  col('priority_mean', 'float', true),
  col('priority_median', 'float', true),
  col('priority_scheduled_mean', 'float', true),
  col('priority_unscheduled_mean', 'float', true),
  col('visibility_total_hours', 'float'),
  col('visibility_mean_hours', 'float', true),
  col('visibility_min_hours', 'float', true),
  col('visibility_max_hours', 'float', true),
  col('requested_total_hours', 'float'),
  col('requested_mean_hours', 'float', true),
  col('scheduled_total_hours', 'float'),
  col('corr_priority_visibility', 'float', true),
  col('corr_priority_requested', 'float', true),
  col('corr_visibility_requested', 'float', true),
  col('conflict_count', 'bigint'),
  col('n_bins', 'int'),
  col('scheduled_union_hours', 'float', true),
  col('gap_count', 'int', true),
  col('gap_total_hours', 'float', true),
  col('gap_mean_hours', 'float', true),
  col('gap_median_hours', 'float', true),
  col('gap_p90_hours', 'float', true),
  col('gap_max_hours', 'float', true),
]);

export const PRIORITY_RATES = table('schedule_priority_rates', 'analytics', [
  col('schedule_id', 'bigint'),
  col('priority_value', 'int'),
  col('total_count', 'int'),
  col('scheduled_count', 'int'),
  col('scheduling_rate', 'float'),
  col('visibility_mean_hours', 'float', true),
  col('requested_mean_hours', 'float', true),
]);

export const VISIBILITY_BINS = table('schedule_visibility_bins', 'analytics', [
  col('schedule_id', 'bigint'),
  col('bin_index', 'int'),
  col('bin_min_hours', 'float'),
  col('bin_max_hours', 'float'),
  col('bin_mid_hours', 'float'),
  col('total_count', 'int'),
  col('scheduled_count', 'int'),
  col('scheduling_rate', 'float'),
]);

export const HEATMAP_BINS = table('schedule_heatmap_bins', 'analytics', [
  col('schedule_id', 'bigint'),
  col('visibility_bin_index', 'int'),
  col('time_bin_index', 'int'),
  col('visibility_mid_hours', 'float'),
  col('time_mid_hours', 'float'),
  col('total_count', 'int'),
  col('scheduled_count', 'int'),
  col('scheduling_rate', 'float'),
]);

export const TIME_METADATA = table('schedule_visibility_time_metadata', 'analytics', [
  col('schedule_id', 'bigint'),
  col('time_range_start_unix', 'bigint'),
  col('time_range_end_unix', 'bigint'),
  col('bin_duration_seconds', 'int'),
  col('total_bins', 'int'),
  col('total_blocks', 'int'),
  col('blocks_with_visibility', 'int'),
  col('priority_min', 'float', true),
  col('priority_max', 'float', true),
  col('max_visible_in_bin', 'int'),
  col('mean_visible_per_bin', 'float', true),
]);

export const TIME_BINS = table('schedule_visibility_time_bins', 'analytics', [
  col('schedule_id', 'bigint'),
  col('bin_start_unix', 'bigint'),
  col('bin_end_unix', 'bigint'),
  col('bin_index', 'int'),
  col('total_visible_count', 'int'),
  col('priority_q1_count', 'int'),
  col('priority_q2_count', 'int'),
  col('priority_q3_count', 'int'),
  col('priority_q4_count', 'int'),
  col('scheduled_visible_count', 'int'),
  col('unscheduled_visible_count', 'int'),
]);

export const VISIBILITY_RANGES = table('schedule_block_visibility_ranges', 'analytics', [
  col('schedule_id', 'bigint'),
  col('scheduling_block_id', 'bigint'),
  col('priority', 'float'),
  col('priority_bucket', 'tinyint'),
  col('is_scheduled', 'bit'),
  col('range_count', 'int'),
  col('minute_ranges', 'varbinary'),
]);

export const ANALYTICS_RUNS = table('schedule_analytics_runs', 'analytics', [
  col('schedule_id', 'bigint'),
  col('phases', 'nvarchar'),
  col('source_fingerprint', 'nvarchar'),
  col('n_bins', 'int'),
  col('bin_duration_seconds', 'int'),
  col('block_count', 'int'),
  col('invalid_block_count', 'int'),
  col('invalid_block_ids', 'nvarchar', true),
  col('duration_ms', 'float'),
  col('phase3_digest', 'varbinary', true),
  col('phase3_inputs_key', 'varbinary', true),
]);

/**
 * Per-block visibility facts, shared by every schedule that links the block
 * (not a phase table: a populate upserts its parsed blocks' rows and never
 * deletes others). Rows are written in block-id order.
 */
export const VISIBILITY_FACTS = table('block_visibility_facts', 'analytics', [
  col('scheduling_block_id', 'bigint'),
  col('json_digest', 'varbinary'),
  col('json_length', 'bigint'),
  col('period_count', 'int'),
  col('union_hours', 'float'),
  col('range_count', 'int'),
  col('minute_ranges', 'varbinary'),
], true);

/** Which analytics tables each phase owns; a populate replaces exactly these. */
export const PHASE_TABLES = {
  1: [BLOCKS_ANALYTICS],
  2: [SUMMARY, PRIORITY_RATES, VISIBILITY_BINS, HEATMAP_BINS],
  3: [TIME_METADATA, TIME_BINS, VISIBILITY_RANGES],
} as const satisfies Record<1 | 2 | 3, readonly TableSpec[]>;

export type Phase = keyof typeof PHASE_TABLES;

/**
 * The Phase 3 tables a populate leaves in place when its new output has the
 * digest the run record stores for them (`phase3_digest`): the minute bins,
 * ~120k rows on W10k, which a rerun that only moved windows leaves unchanged.
 */
export const MINUTE_BIN_TABLES: readonly TableSpec[] = [TIME_METADATA, TIME_BINS];

/** The tables whose rows a replace of `phases` deletes when it begins: all of theirs, but Phase 3's when deferred. */
export function tablesDeletedAtBegin(phases: readonly Phase[], deferPhase3: boolean): TableSpec[] {
  return phases.filter((phase) => !(deferPhase3 && phase === 3)).flatMap((phase): readonly TableSpec[] => PHASE_TABLES[phase]);
}
export const ALL_PHASES: readonly Phase[] = [1, 2, 3];

/**
 * What a replace leaves of the previous run: its other phases and the
 * settings they were computed with, and, when it had Phase 3, the digest of
 * its minute bins and the key of the inputs its Phase 3 rows came from.
 */
export function keptRun(record: RunRecordSettings | undefined, replaced: readonly Phase[]) {
  const keptPhases = remainingPhases(record?.phases ?? null, replaced);
  const hadPhase3 = remainingPhases(record?.phases ?? null, []).includes(3);
  return {
    keptPhases,
    keptNBins: keptPhases.length > 0 && record ? Number(record.n_bins) : null,
    keptBinSeconds: keptPhases.length > 0 && record ? Number(record.bin_duration_seconds) : null,
    /** The source the kept phases were computed from (the run record's fingerprint). */
    keptFingerprint: keptPhases.length > 0 && record ? record.source_fingerprint : null,
    previousPhase3Digest: hadPhase3 ? (record?.phase3_digest ?? null) : null,
    previousPhase3InputsKey: hadPhase3 ? (record?.phase3_inputs_key ?? null) : null,
  };
}

/** The columns of a run record the stores read before replacing (`RUN_RECORD_SETTINGS`). */
export interface RunRecordSettings {
  phases: string;
  source_fingerprint: string;
  n_bins: number;
  bin_duration_seconds: number;
  phase3_digest: Uint8Array | null;
  phase3_inputs_key: Uint8Array | null;
}

export const RUN_RECORD_SETTINGS = ['phases', 'source_fingerprint', 'n_bins', 'bin_duration_seconds', 'phase3_digest', 'phase3_inputs_key'] as const satisfies readonly (keyof RunRecordSettings)[];

/** The phases a run record (`"1,2,3"`) still holds after deleting `deleted`. */
export function remainingPhases(recorded: string | null, deleted: readonly Phase[]): Phase[] {
  if (!recorded) return [];
  return recorded.split(',').map(Number).filter((p): p is Phase => (p === 1 || p === 2 || p === 3) && !deleted.includes(p));
}

/** The source tables the generator and `import` load, in dependency order. */
export const SOURCE_TABLES = {
  targets: table('targets', 'source', [
    col('target_id', 'bigint'),
    col('name', 'nvarchar'),
    col('ra_deg', 'float'),
    col('dec_deg', 'float'),
    col('ra_pm_masyr', 'float'),
    col('dec_pm_masyr', 'float'),
    col('equinox', 'float'),
  ]),
  altitude_constraints: table('altitude_constraints', 'source', [
    col('altitude_constraints_id', 'bigint'),
    col('min_alt_deg', 'float', true),
    col('max_alt_deg', 'float', true),
  ]),
  azimuth_constraints: table('azimuth_constraints', 'source', [
    col('azimuth_constraints_id', 'bigint'),
    col('min_az_deg', 'float', true),
    col('max_az_deg', 'float', true),
  ]),
  constraints: table('constraints', 'source', [
    col('constraints_id', 'bigint'),
    col('start_time_mjd', 'float', true),
    col('stop_time_mjd', 'float', true),
    col('altitude_constraints_id', 'bigint', true),
    col('azimuth_constraints_id', 'bigint', true),
  ]),
  scheduling_blocks: table('scheduling_blocks', 'source', [
    col('scheduling_block_id', 'bigint'),
    col('target_id', 'bigint'),
    col('constraints_id', 'bigint', true),
    col('priority', 'float'),
    col('min_observation_sec', 'int'),
    col('requested_duration_sec', 'int'),
    col('visibility_periods_json', 'nvarchar', true),
    col('original_block_id', 'nvarchar', true, MAX_ORIGINAL_BLOCK_ID_LENGTH),
  ]),
  schedule_scheduling_blocks: table('schedule_scheduling_blocks', 'source', [
    col('schedule_id', 'bigint'),
    col('scheduling_block_id', 'bigint'),
    col('start_time_mjd', 'float', true),
    col('stop_time_mjd', 'float', true),
  ]),
} as const;
