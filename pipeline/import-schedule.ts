import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Store } from '../sql/store.js';
import { BlockRowWriter } from './block-row-writer.js';
import { DEFAULT_PIPELINE_CONFIG, type PipelineConfig } from './config.js';
import { BadInputError, DuplicateScheduleError, TsiError } from '../base/errors.js';
import { SourceTableWriter } from './source-table-writer.js';
import { silentLogger, type Logger } from '../base/logger.js';
import { populateSchedule, validatePipelineConfig, type PopulateSummary } from './populate.js';
import { openScheduleDocument } from './schedule-document-reader.js';
import { documentBlockToRows, documentHeader, DocumentError } from './schedule-document.js';

export interface ImportOptions {
  /** Run the ETL on the stored schedule (the plan's "after store_schedule()" trigger). @default true */
  etl?: boolean;
  /** Options of that ETL; `batchRows` also sets the blocks per insert batch of the import. @default DEFAULT_PIPELINE_CONFIG */
  pipeline?: Partial<PipelineConfig>;
  log?: Logger;
}

export interface ImportSummary {
  scheduleId: number;
  scheduleName: string;
  blocks: number;
  /** Size of the file. */
  bytes: number;
  /** SHA-256 of the file, hex: the stored schedule's checksum. */
  checksum: string;
  /** Hashing and storing, without the ETL. */
  seconds: number;
  /** The ETL's report, unless `etl` was false. */
  populate?: PopulateSummary;
}

/** The hash pass reads 1 MB chunks: hashing measured about 1.5x faster than with 64 KB (fewer stream turns). */
const HASH_CHUNK_BYTES = 1 << 20;
/**
 * The parse pass reads 64 KB chunks: each chunk's text and parsed blocks are
 * alive at once, and 1 MB chunks measured 40 MB or more peak RSS, no faster.
 */
const PARSE_CHUNK_BYTES = 64 << 10;

/**
 * Stores a schedule document (docs/schedule-document.md) in the source
 * tables, then computes its analytics unless `etl` is false.
 *
 * A first pass hashes the file, so a document already stored (same SHA-256)
 * is rejected before anything is written. The second pass parses it as a
 * stream (bounded memory whatever its size), hashes it again and writes the
 * blocks in batches inside one source-load transaction: a bad or truncated
 * file, or one that changed between the passes, stores nothing. The ETL
 * runs in its own transaction after the commit; if it fails, the schedule
 * stays stored and the error says how to retry.
 * @throws DuplicateScheduleError for a known checksum; TsiError naming the
 *   file and where in it the document is wrong (`blocks[12].target.ra_deg:
 *   …`, or the byte offset and line of bad JSON); ParameterError for bad
 *   pipeline options (checked before anything is read).
 */
export async function importSchedule(store: Store, filePath: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const config: PipelineConfig = { ...DEFAULT_PIPELINE_CONFIG, ...options.pipeline };
  validatePipelineConfig(config);
  const log = (options.log ?? silentLogger).child({ file: filePath });

  const { checksum, bytes } = await hashFile(filePath);
  const known = await store.db.selectFrom('schedules').select('schedule_id').where('checksum', '=', checksum).executeTakeFirst();
  if (known) throw new DuplicateScheduleError(checksum, Number(known.schedule_id));

  const stored = await storeDocument(store, filePath, checksum, config.batchRows);
  const summary: ImportSummary = { ...stored, bytes, checksum, seconds: (performance.now() - started) / 1000 };
  log.info({ event: 'imported', scheduleId: summary.scheduleId, blocks: summary.blocks, seconds: Number(summary.seconds.toFixed(3)) }, 'schedule document stored');
  if (options.etl === false) return summary;
  try {
    summary.populate = await populateSchedule(store, summary.scheduleId, config, log);
  } catch (error) {
    throw new TsiError(`${filePath} was stored as schedule ${summary.scheduleId}, but computing its analytics failed: ${etlFailure(error, summary.scheduleId)}`, { cause: error });
  }
  return summary;
}

/**
 * Why the ETL of a stored schedule failed, and the next step: never
 * `import --lenient`, which would find the document already stored.
 */
function etlFailure(error: unknown, id: number): string {
  if (!(error instanceof BadInputError)) return `${(error as Error).message}; run \`tsi-etl populate --schedule ${id}\` once that is resolved`;
  return `schedule ${id}, block ${error.blockId}: bad visibility_periods_json: ${error.problem}; run \`tsi-etl populate --schedule ${id} --lenient\` `
    + `to compute the analytics with such blocks flagged visibility_invalid = 1 and reported, or correct the block's visibility_periods_json in the database and run \`tsi-etl populate --schedule ${id}\``;
}

async function storeDocument(store: Store, filePath: string, checksum: string, batchBlocks: number): Promise<{ scheduleId: number; scheduleName: string; blocks: number }> {
  const hash = createHash('sha256');
  const tx = await store.beginSourceLoad();
  try {
    const document = await openScheduleDocument(hashed(readFile(filePath, PARSE_CHUNK_BYTES), hash));
    try {
      const schedule = documentHeader(document.header);
      const scheduleId = await tx.createSchedule({ ...schedule, checksum });
      const writer = new SourceTableWriter(tx);
      const rows = new BlockRowWriter(writer, scheduleId, await tx.nextSourceIds());
      let blocks = 0;
      for await (const { index, value } of document.blocks) {
        rows.write(documentBlockToRows(value, index));
        if (++blocks % batchBlocks === 0) await writer.flush();
      }
      await writer.flush();
      if (hash.digest('hex') !== checksum) throw new TsiError(`${filePath} changed while it was being imported; nothing was stored (import it again)`);
      await tx.commit();
      return { scheduleId, scheduleName: schedule.schedule_name, blocks };
    } finally {
      await document.close();
    }
  } catch (error) {
    await tx.rollback();
    if (error instanceof DocumentError) throw new TsiError(`${filePath}: ${error.message}; nothing was stored`, { cause: error });
    throw error;
  }
}

async function hashFile(filePath: string): Promise<{ checksum: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of hashed(readFile(filePath, HASH_CHUNK_BYTES), hash)) bytes += chunk.byteLength;
  return { checksum: hash.digest('hex'), bytes };
}

async function* readFile(filePath: string, chunkBytes: number): AsyncGenerator<Buffer> {
  try {
    yield* createReadStream(filePath, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>;
  } catch (error) {
    throw new TsiError(`cannot read ${filePath}: ${(error as Error).message}`, { cause: error });
  }
}

async function* hashed(chunks: AsyncIterable<Buffer>, hash: Hash): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}
