import { openStore } from '../../../sql/create-store.js';
import { importSchedule, type ImportSummary } from '../../import-schedule.js';
import { DuplicateScheduleError, ParameterError, TsiError } from '../../../base/errors.js';
import { analyticsDeletedLines } from './migrate.js';
import { hasAnalyticsData } from '../../../queries/block-reads.js';
import type { Store } from '../../../sql/store.js';
import { writeJson, type Command } from '../command.js';
import { count, fmt, peakRssMb, populateReport } from '../format.js';
import { PIPELINE_OPTIONS, pipelineConfigFromArgs } from './populate.js';

export const importCommand: Command = {
  name: 'import',
  summary: 'Store a schedule document (JSON, any size, streamed) and compute its analytics.',
  usage: 'FILE [--no-etl] [--lenient] [--no-reuse] [--phases 1,2,3] [--bins N] [--bin-seconds S] [--threads N] [--threads-min-blocks N]',
  details: [
    'FILE is a schedule document (docs/schedule-document.md), as `tsi-etl export` writes it. It is parsed as a stream, so its size is not limited by memory.',
    'The blocks are stored in one transaction: a bad or truncated file stores nothing, and the error names the block and field (or the byte offset and line of bad JSON).',
    "A document already stored (same SHA-256 of the file) is rejected. Then the schedule's analytics are computed (the pipeline options apply), unless --no-etl.",
    'Creates and migrates an embedded database file that does not exist yet.',
    'Exit codes: 0 stored (and populated), 1 failed, 2 bad arguments.',
  ].join('\n'),
  options: {
    'no-etl': { type: 'boolean', description: 'store the schedule only; compute its analytics later with `tsi-etl populate` or `backfill`' },
    ...PIPELINE_OPTIONS,
  },
  positionals: 'FILE',
  examples: ['tsi-etl import schedule.json', 'tsi-etl import big.json --no-etl --json'],
  async run(args, ctx) {
    if (args.positionals.length !== 1) throw new ParameterError('FILE', `give exactly one schedule document to import, got ${args.positionals.length}`);
    const [file] = args.positionals;
    const pipeline = pipelineConfigFromArgs(args, ctx.log);
    const store = await openStore(ctx.db, { create: true });
    try {
      for (const line of analyticsDeletedLines(store.description, await store.migrate())) ctx.log.warn(line);
      const summary = await importSchedule(store, file, { etl: args.values['no-etl'] !== true, pipeline, log: ctx.log }).catch(async (error: unknown) => {
        throw error instanceof DuplicateScheduleError ? await alreadyStored(store, file, error) : error;
      });
      const rss = peakRssMb();
      if (ctx.json) writeJson(ctx, { ...summary, peakRssMb: Number(rss.toFixed(1)) });
      else ctx.out.write(importReport(file, summary) + `  peak RSS ${rss.toFixed(0)} MB\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

function importReport(file: string, s: ImportSummary): string {
  const stored = `stored ${file} as schedule ${s.scheduleId} ${JSON.stringify(s.scheduleName)}: ${count(s.blocks, 'block')}, ${(s.bytes / 1e6).toFixed(1)} MB in ${s.seconds.toFixed(2)} s (sha256 ${s.checksum})\n`;
  return stored + (s.populate ? populateReport(s.populate) : 'analytics not computed (--no-etl): run `tsi-etl populate --schedule ' + s.scheduleId + '`\n');
}

/**
 * A document already stored: importing it again (with --lenient or not)
 * cannot help, so the message gives the step that can, by the stored
 * schedule's state.
 */
async function alreadyStored(store: Store, file: string, error: DuplicateScheduleError): Promise<TsiError> {
  const id = error.existingScheduleId;
  const stored = `${file} is already stored as schedule ${id} (same sha256 ${error.checksum}), so nothing was imported`;
  const next = await hasAnalyticsData(store, id)
    ? `; its analytics are computed (see \`tsi-etl summary --schedule ${id}\`)`
    : `; compute its analytics with \`tsi-etl populate --schedule ${id}\` (add --lenient to write blocks with bad visibility JSON flagged visibility_invalid = 1)`;
  return new TsiError(stored + next, { cause: error });
}
