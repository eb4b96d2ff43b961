/**
 * tsi-etl's library API: everything the CLI does, typed, for programmatic use.
 *
 *   import { openStore, populateSchedule, fetchSkyMapBlocks } from 'tsi-etl';
 *   const store = await openStore('./tsi.db');
 *   await populateSchedule(store, 1);
 *   const blocks = await fetchSkyMapBlocks(store, 1);
 *   await store.close();
 */
export { openStore, openMigratedStore, defaultDbTarget, isMssqlTarget, type OpenStoreOptions } from '../sql/create-store.js';
export type { Store, StoreCapabilities, SourceBlockRow, SourceSnapshot, WriteTx, MigrationReport } from '../sql/store.js';
export type { Database } from '../sql/schema.js';
export { ALL_PHASES, type Phase } from '../sql/table-specs.js';
export { populateSchedule, COMPUTE_FIRST_MAX_BLOCKS, type PopulateSummary, type PopulateHow } from './populate.js';
export { DEFAULT_PIPELINE_CONFIG, MAX_DEFAULT_THREADS, defaultThreads, type PipelineConfig } from './config.js';
export { backfill, newClaimOwner, claimOwnerIsGone, type BackfillOptions, type BackfillReport, type BackfillProgress, type BackfillMode } from './backfill.js';
export { verifySchedule, type VerifyReport } from './verify.js';
export type { Drift } from './row-diff.js';
export { loadGeneratedSchedule, type LoadSummary } from './load-schedule.js';
export { generateBlocks, describeSchedule, type GenerateOptions, type GeneratedBlock } from './schedule-generator.js';
export { loadVariantSchedule, type VariantOptions, type VariantSummary, type VariantChanges } from './variant-schedule.js';
export { blockKey } from '../stages/core/block-key.js';
export { createLogger, silentLogger, type Logger, type LoggerOptions } from '../base/logger.js';
export {
  TsiError, BadInputError, UnknownScheduleError, DuplicateScheduleError, ParameterError, StageError, isRetryable,
} from '../base/errors.js';
export {
  fetchSkyMapBlocks, fetchDistributionBlocks, hasAnalyticsData, deleteAnalytics, listSchedules,
  type SkyMapBlock, type DistributionBlock, type ScheduleListing,
} from '../queries/block-reads.js';
export type { ReadOptions, ReadSource } from '../queries/read-options.js';
export {
  getScheduleSummary, getPriorityRates, getVisibilityBins, getHeatmapBins, getSummaryReport, hasSummaryAnalytics, deleteSummaryAnalytics,
  type ScheduleSummary, type SummaryReport, type SummaryReadOptions,
} from '../queries/summary-reads.js';
export type { SummaryRow, PriorityRateRow, VisibilityBinRow, HeatmapBinRow } from '../stages/core/phase2-rows.js';
export {
  getVisibilityHistogram, getVisibilityMetadata, hasVisibilityTimeBins, deleteVisibilityTimeBins,
  type HistogramQuery, type HistogramBin, type VisibilityMetadata,
} from '../queries/visibility-reads.js';
export {
  fetchTimeline,
  type TimelineQuery, type TimelineBlock, type DarkPeriod, type Timeline,
} from '../queries/timeline-reads.js';
export {
  compareSchedules, DuplicateBlockKeyError,
  type BlockStatus, type ScheduleFigures, type CoveragePoint, type DiffRow, type Comparison, type BlockStatusTable, type ComparisonReport, type CompareOptions,
} from '../queries/compare-reads.js';
export { writeReportLazily as writeReport } from './report/lazy-report.js';
export { defaultReportPath, type ReportRequest, type WrittenReport } from './report/report-request.js';
