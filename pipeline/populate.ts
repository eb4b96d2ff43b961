import { pipeline } from 'node:stream/promises';
import { BlockProcessor } from '../stages/core/block-processor.js';
import type { Accumulator } from '../stages/core/block-facts.js';
import { createPhase2Accumulator } from '../stages/core/phase2-accumulator.js';
import type { Phase2Result } from '../stages/core/phase2-rows.js';
import { createMinuteBinAccumulator, type MergeableMinuteBinAccumulator, type MinuteBinsResult } from '../stages/core/minute-bin-accumulator.js';
import type { BlockWorkerSetup } from '../stages/parallel/block-worker-messages.js';
import { runBlocksInWorkers } from '../stages/parallel/parallel-blocks.js';
import { blockSource } from '../stages/block-source.js';
import { blockTransform } from '../stages/block-transform.js';
import { analyticsSink, writeBatch } from '../stages/analytics-sink.js';
import { withMigrateHint } from '../sql/missing-schema-error.js';
import type { AnalyticsReplaceTx, SourceBlocksOptions, SourceSnapshot, Store, WriteTx } from '../sql/store.js';
import { storedPhase3Key } from '../sql/phase3-inputs-key.js';
import { recordedFingerprint } from '../sql/run-fingerprint.js';
import { BufferedWrites } from '../stages/buffered-writes.js';
import {
  ANALYTICS_RUNS, HEATMAP_BINS, PRIORITY_RATES, SUMMARY, TIME_METADATA, VISIBILITY_BINS, VISIBILITY_FACTS,
} from '../sql/table-specs.js';
import { DEFAULT_PIPELINE_CONFIG, type PipelineConfig } from './config.js';
import { ParameterError } from '../base/errors.js';
import { faultPoint } from '../base/fault-injection.js';
import { silentLogger, type Logger } from '../base/logger.js';
import { newRunMetrics, now, type RunMetrics } from '../base/run-metrics.js';
import { objectRowsBatch, timeBinBatches } from './result-batches.js';
import { minuteBinsDigest } from '../stages/core/minute-bins-digest.js';

/** What one populate did. */
export interface PopulateSummary {
  scheduleId: number;
  phases: readonly number[];
  blocks: number;
  /** Blocks whose stored visibility facts were used: their JSON was not parsed. */
  reusedBlocks: number;
  /** Blocks whose JSON was parsed (new, changed or bad JSON, or `reuse: false`); blocks without JSON are neither. */
  parsedBlocks: number;
  /** The Phase 3 minute-bin rows came out identical to the stored ones (same digest) and were left in place, not rewritten. */
  minuteBinsKept: boolean;
  /**
   * Phase 3's inputs were those of the rows in place (same key: no JSON,
   * priority or scheduled flag changed, same bin width): every Phase 3 row
   * was left in place, and neither computed nor read.
   */
  phase3Kept: boolean;
  /**
   * Threads the populate ran on: 1 plus the workers that started, at most
   * `threads`; 1 for a schedule under `threadsMinBlocks` blocks, or when no
   * run of blocks to parse was worth a worker (every block reused, say).
   */
  threads: number;
  periods: number;
  jsonBytes: number;
  invalidBlockIds: number[];
  rowsWritten: Record<string, number>;
  seconds: RunMetrics['seconds'] & { total: number };
  fingerprint: string;
}

/** Up to this many bad block ids are stored with the run (all are returned). */
const STORED_INVALID_IDS = 1000;

/**
 * Schedules of at most this many blocks can be computed before the write lock
 * (`computeBeforeWriteLock`): their rows are held in memory until then
 * (W10k's all-phase rows, the largest such, take about 40 MB).
 */
export const COMPUTE_FIRST_MAX_BLOCKS = 10_000;

/** How a populate meets the store; the library default is the plain streaming populate. */
export interface PopulateHow {
  /**
   * Read and compute a schedule of up to COMPUTE_FIRST_MAX_BLOCKS blocks
   * before taking the store's write lock, then write it in one burst: on a
   * one-writer store (SQLite) another populate's writes overlap this one's
   * computing. The analytics are those of the read snapshot, whose
   * fingerprint the run record stores, as always. Larger schedules stream
   * under the lock.
   * @default false
   */
  computeBeforeWriteLock?: boolean;
}

export function validatePipelineConfig(config: PipelineConfig): void {
  if (!Number.isInteger(config.nBins) || config.nBins < 1) throw new ParameterError('--bins', `must be a positive integer, got ${config.nBins}`);
  if (!Number.isInteger(config.binSeconds) || config.binSeconds <= 0 || config.binSeconds % 60 !== 0) {
    throw new ParameterError('--bin-seconds', `must be a positive multiple of 60, got ${config.binSeconds}`);
  }
  if (!Array.isArray(config.phases) || config.phases.length === 0 || config.phases.some((p) => p !== 1 && p !== 2 && p !== 3)) {
    throw new ParameterError('--phases', `must be a list of 1, 2 and 3, got ${JSON.stringify(config.phases)}`);
  }
  // A batch of no rows never fills: the populate would spin holding the write lock.
  for (const [option, value] of [['--batch-rows', config.batchRows], ['chunkRows', config.chunkRows]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new ParameterError(option, `must be a positive integer, got ${value}`);
  }
  if (!Number.isInteger(config.threads) || config.threads < 1) throw new ParameterError('--threads', `must be a positive integer, got ${config.threads}`);
  // Infinity is a library caller's "never on worker threads".
  if (!(config.threadsMinBlocks >= 0) || !(Number.isInteger(config.threadsMinBlocks) || config.threadsMinBlocks === Infinity)) {
    throw new ParameterError('--threads-min-blocks', `must be a whole number of blocks, 0 or more, got ${config.threadsMinBlocks}`);
  }
}

/**
 * Recomputes a schedule's analytics in one read of its source and one write
 * transaction: the old rows of the selected phases are deleted and the new
 * ones inserted together, so readers see the old analytics or the new ones,
 * never a mix, and any failure leaves the old ones untouched.
 */
export async function populateSchedule(
  store: Store,
  scheduleId: number,
  options: Partial<PipelineConfig> = {},
  log: Logger = silentLogger,
  how: PopulateHow = {},
): Promise<PopulateSummary> {
  if (!Number.isSafeInteger(scheduleId) || scheduleId < 1) throw new ParameterError('--schedule', `must be a positive integer schedule id, got ${JSON.stringify(scheduleId)}`);
  // Keys given as undefined mean "the default", as if they were left out.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const config: PipelineConfig = { ...DEFAULT_PIPELINE_CONFIG, ...given };
  validatePipelineConfig(config);
  const phases = [...new Set(config.phases)].sort();
  const started = now();
  const metrics = newRunMetrics();
  const slog = log.child({ scheduleId });

  let tx: AnalyticsReplaceTx | undefined;
  let snapshot: SourceSnapshot | undefined;
  let buffer: BufferedWrites | undefined;
  try {
    // With reuse, Phase 3's rows are deleted only once the populate knows it replaces them: never when
    // its inputs are those of the rows in place, and the minute bins only when their new digest differs.
    const replace = { deferPhase3: phases.includes(3) && config.reuse };
    if (!how.computeBeforeWriteLock) tx = await store.beginAnalyticsReplace(scheduleId, phases, replace);
    snapshot = await store.openSource(scheduleId, { reuseFacts: config.reuse });
    slog.debug({ stage: 'source', blocks: snapshot.blockCount }, 'source snapshot open');
    if (snapshot.reuseRefused !== null) slog.warn({ stage: 'source' }, snapshot.reuseRefused);
    faultPoint('source-open');
    if (tx === undefined && snapshot.blockCount <= COMPUTE_FIRST_MAX_BLOCKS) buffer = new BufferedWrites();
    else tx ??= await store.beginAnalyticsReplace(scheduleId, phases, replace);
    // A large compute-first schedule takes the write lock after its snapshot: check now, before any facts
    // are computed. (Taken first, the lock keeps the counts equal; a buffer is checked once it takes the lock.)
    const factsCurrent = tx === undefined || !jsonChangedSince(snapshot, tx);
    const out: WriteTx = buffer ?? tx!;
    // Computed without reuse too, so the run record is the same either way.
    const inputsKey = phases.includes(3) ? await snapshot.phase3InputsKey(config.binSeconds) : null;
    const keepPhase3 = replace.deferPhase3 && tx !== undefined && inputsKey !== null && (await phase3RowsInPlace(tx, inputsKey));
    if (tx && replace.deferPhase3 && !keepPhase3) await tx.dropVisibilityRanges();
    const phase2 = phases.includes(2) ? createPhase2Accumulator({ nBins: config.nBins }) : undefined;
    const phase3 = phases.includes(3) && !keepPhase3 ? createMinuteBinAccumulator({ binSeconds: config.binSeconds }) : undefined;
    const setup: BlockWorkerSetup = {
      scheduleId,
      priorityMin: snapshot.priorityMin ?? 0,
      priorityMax: snapshot.priorityMax ?? 0,
      lenient: config.lenient,
      writeBlockRows: phases.includes(1),
      writeRanges: phase3 !== undefined,
      recordFacts: phase2 !== undefined,
      binSeconds: phase3 ? config.binSeconds : null,
      factsRule: config.reuse && snapshot.reuseRefused === null && factsCurrent ? store.capabilities.factsKey : null,
      batchRows: config.batchRows,
    };
    const blocks = { minuteRanges: phase3 !== undefined };
    // A small schedule gains nothing from workers: each costs ~0.04 s to start, and its code starts cold.
    const { invalid, threads } = snapshot.blockCount < config.threadsMinBlocks || config.threads === 1
      ? { invalid: await processInline(snapshot, blocks, out, setup, config.chunkRows, [phase2, phase3], metrics), threads: 1 }
      : await processInWorkers(snapshot, blocks, out, setup, config, phase2, phase3, metrics);

    const t0 = now();
    const p2: Phase2Result | undefined = phase2?.finish() as Phase2Result | undefined;
    const p3: MinuteBinsResult | undefined = phase3?.finish() as MinuteBinsResult | undefined;
    const phase3Digest = p3 ? minuteBinsDigest(p3) : null;
    metrics.seconds.finish += now() - t0;
    if (p2) {
      await writeBatch(out, objectRowsBatch(SUMMARY, scheduleId, [{ ...p2.summary, n_bins: config.nBins }]), metrics);
      for (const [table, rows] of [[PRIORITY_RATES, p2.priorityRates], [VISIBILITY_BINS, p2.visibilityBins], [HEATMAP_BINS, p2.heatmapBins]] as const) {
        if (rows.length > 0) await writeBatch(out, objectRowsBatch(table, scheduleId, rows), metrics);
      }
    }
    // Everything is computed; with `computeBeforeWriteLock` the write lock is not taken yet.
    faultPoint('computed');
    const writer = buffer ? await store.beginAnalyticsReplace(scheduleId, phases, replace) : tx!;
    tx = writer;
    if (buffer && jsonChangedSince(snapshot, writer)) buffer.discard(VISIBILITY_FACTS);
    if (buffer && replace.deferPhase3) await writer.dropVisibilityRanges();
    await buffer?.replayInto(writer, metrics);
    const minuteBinsKept = keepPhase3 || (p3 && replace.deferPhase3 ? await writer.keepMinuteBins(phase3Digest!, p3.bins.count) : false);
    if (p3 && !minuteBinsKept) {
      await writeBatch(writer, objectRowsBatch(TIME_METADATA, scheduleId, [p3.metadata]), metrics);
      for (const batch of timeBinBatches(scheduleId, config.binSeconds, p3.bins, config.batchRows)) await writeBatch(writer, batch, metrics);
    }
    await writeBatch(writer, objectRowsBatch(ANALYTICS_RUNS, scheduleId, [{
      phases: [...new Set([...writer.keptPhases, ...phases])].sort().join(','),
      // Phases kept from a run over another source are stale: the record says which phases are current.
      source_fingerprint: recordedFingerprint(snapshot.fingerprint, phases, writer.keptPhases, writer.keptFingerprint),
      // Phases kept from the previous run keep the settings they were computed with.
      n_bins: phases.includes(2) ? config.nBins : (writer.keptNBins ?? config.nBins),
      bin_duration_seconds: phases.includes(3) ? config.binSeconds : (writer.keptBinSeconds ?? config.binSeconds),
      block_count: metrics.blocksRead,
      invalid_block_count: invalid.length,
      invalid_block_ids: invalid.length > 0 ? JSON.stringify(invalid.slice(0, STORED_INVALID_IDS)) : null,
      duration_ms: (now() - started) * 1000,
      phase3_digest: phase3Digest ?? writer.previousPhase3Digest,
      // Phase 3 rows left in place keep their key (kept whole, the same inputs and rows: the same key).
      phase3_inputs_key: !phases.includes(3) || keepPhase3 ? writer.previousPhase3InputsKey
        : inputsKey === null ? null : storedPhase3Key(inputsKey, await writer.countPhase3Rows()),
    }]), metrics);

    faultPoint('before-commit');
    const tc = now();
    await writer.commit();
    metrics.seconds.commit += now() - tc;
    faultPoint('after-commit');
    await snapshot.close();
    const summary: PopulateSummary = {
      scheduleId,
      phases,
      blocks: metrics.blocksRead,
      reusedBlocks: metrics.blocksReused,
      parsedBlocks: metrics.blocksParsed,
      minuteBinsKept,
      phase3Kept: keepPhase3,
      threads,
      periods: metrics.periodsParsed,
      jsonBytes: metrics.jsonBytes,
      invalidBlockIds: invalid,
      rowsWritten: metrics.rowsWritten,
      seconds: { ...metrics.seconds, total: now() - started },
      fingerprint: snapshot.fingerprint,
    };
    if (invalid.length > 0) slog.warn({ invalidBlocks: invalid.length, blockIds: invalid.slice(0, 20) }, 'blocks with bad visibility JSON were written with visibility_invalid = 1 (--lenient)');
    slog.info({ event: 'populated', blocks: summary.blocks, reused: summary.reusedBlocks, seconds: Number(summary.seconds.total.toFixed(3)) }, 'schedule populated');
    return summary;
  } catch (error) {
    // Cleanup must not hide the error that is on its way out.
    await tx?.rollback().catch((e: unknown) => slog.warn({ err: e }, 'rollback failed'));
    await snapshot?.close().catch((e: unknown) => slog.warn({ err: e }, 'closing the source failed'));
    slog.debug({ err: error }, 'populate rolled back');
    throw withMigrateHint(error, store.description);
  }
}

/**
 * Whether the Phase 3 rows in place may stay: the run record's key is that
 * of a source with these inputs and of exactly the rows there now.
 */
async function phase3RowsInPlace(tx: AnalyticsReplaceTx, inputsKey: Uint8Array): Promise<boolean> {
  if (tx.previousPhase3InputsKey === null) return false;
  return storedPhase3Key(inputsKey, await tx.countPhase3Rows()).equals(tx.previousPhase3InputsKey);
}

/**
 * Whether a block's JSON changed between the snapshot and the write lock
 * (SQLite's trigger-kept count moved): facts computed from the snapshot may
 * then be of the old JSON, so the populate stores none.
 */
function jsonChangedSince(snapshot: SourceSnapshot, tx: AnalyticsReplaceTx): boolean {
  return tx.jsonChangeCount !== snapshot.jsonChangeCount;
}

type Accumulators = (Accumulator<unknown> | undefined)[];

/** Today's one-thread path: source → transform → sink in one stream pipeline. Returns the invalid block ids. */
async function processInline(
  snapshot: SourceSnapshot, blocks: SourceBlocksOptions, tx: WriteTx, setup: BlockWorkerSetup, chunkRows: number, accumulators: Accumulators, metrics: RunMetrics,
): Promise<number[]> {
  let processor!: BlockProcessor;
  await pipeline(
    blockSource(snapshot, chunkRows, metrics, blocks),
    blockTransform((emit) => {
      processor = new BlockProcessor({
        ...setup,
        accumulators: accumulators.filter((a) => a !== undefined),
        metrics,
        emit,
      });
      return processor;
    }),
    analyticsSink(tx, metrics),
  );
  return processor.invalidBlockIds;
}

/**
 * Parse and accumulate on this thread and up to `threads - 1` worker threads;
 * Phase 2 is fed here in block order, Phase 3 merges their counts. Returns
 * the invalid block ids and the threads used (1 when no run was worth a worker).
 */
async function processInWorkers(
  snapshot: SourceSnapshot, blocks: SourceBlocksOptions, tx: WriteTx, setup: BlockWorkerSetup, config: PipelineConfig,
  phase2: Accumulator<unknown> | undefined, phase3: MergeableMinuteBinAccumulator | undefined, metrics: RunMetrics,
): Promise<{ invalid: number[]; threads: number }> {
  const replayInto = phase2 ? [phase2] : [];
  const unorderedAccumulators = phase3 ? [phase3] : [];
  const workers = config.threads - 1;
  const result = await runBlocksInWorkers(snapshot, tx, { setup, workers, chunkRows: config.chunkRows, blocks, replayInto, unorderedAccumulators, metrics });
  const t0 = now();
  for (const counts of result.minuteBins) phase3?.merge(counts);
  metrics.seconds.finish += now() - t0;
  return { invalid: result.invalidBlockIds, threads: 1 + result.workersStarted };
}
