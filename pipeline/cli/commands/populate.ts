import { availableParallelism } from 'node:os';
import { openMigratedStore } from '../../../sql/create-store.js';
import type { Logger } from '../../../base/logger.js';
import { DEFAULT_PIPELINE_CONFIG, MAX_DEFAULT_THREADS, threadsForCores, type PipelineConfig } from '../../config.js';
import { populateSchedule } from '../../populate.js';
import { isPositiveInteger, numberOption, phasesOption, requiredId, writeJson, type Command, type CommandArgs } from '../command.js';
import { count, fmt, peakRssMb, populateReport } from '../format.js';

/** The pipeline options shared by populate, backfill, import and demo. */
export const PIPELINE_OPTIONS: Command['options'] = {
  lenient: { type: 'boolean', description: 'write blocks with bad visibility JSON with visibility_invalid = 1 and 0 hours (counted and reported) instead of failing' },
  phases: { type: 'string', valueName: 'LIST', description: 'phases to compute: 1 per-block rows, 2 summaries, 3 time bins (default 1,2,3)' },
  bins: { type: 'string', valueName: 'N', description: `bins of the visibility histogram and heatmap axes (default ${DEFAULT_PIPELINE_CONFIG.nBins})` },
  'bin-seconds': { type: 'string', valueName: 'S', description: `width of the stored visibility time bins, a multiple of 60 (default ${DEFAULT_PIPELINE_CONFIG.binSeconds})` },
  'no-reuse': { type: 'boolean', description: "the full path: parse every block's JSON (neither use nor store the visibility facts of unchanged blocks) and rewrite every row, also unchanged minute bins (same output)" },
  'batch-rows': { type: 'string', valueName: 'N', description: `rows per insert batch (default ${DEFAULT_PIPELINE_CONFIG.batchRows})` },
  threads: { type: 'string', valueName: 'N', description: `threads per populate: 1 runs on the main thread; N > 1 adds N-1 worker threads that parse and accumulate with it, same results; at most one per core (${availableParallelism()} here; default ${DEFAULT_PIPELINE_CONFIG.threads}: the cores, at most ${MAX_DEFAULT_THREADS})` },
  'threads-min-blocks': { type: 'string', valueName: 'N', description: `schedules under N blocks run on one thread whatever --threads says: workers cost more than they save on small schedules (default ${fmt(DEFAULT_PIPELINE_CONFIG.threadsMinBlocks)}; on a 2-core machine they broke even near 10,000)` },
};

/** `--threads`, at most one per core; says so when it asked for more. */
function threadsOption(args: CommandArgs, log: Logger): number {
  const requested = numberOption(args, 'threads', DEFAULT_PIPELINE_CONFIG.threads, isPositiveInteger, 'must be a positive integer');
  const cores = availableParallelism();
  const threads = threadsForCores(requested, cores);
  // Info, not a warning: the populate does all it can; --log-level warn keeps it quiet.
  if (threads < requested) log.info({ event: 'threads-capped', requested, cores, threads }, `--threads ${requested}: this machine has ${count(cores, 'core')}; using ${threads}`);
  return threads;
}

export function pipelineConfigFromArgs(args: CommandArgs, log: Logger): Partial<PipelineConfig> {
  const d = DEFAULT_PIPELINE_CONFIG;
  return {
    lenient: args.values.lenient === true,
    phases: phasesOption(args) ?? d.phases,
    nBins: numberOption(args, 'bins', d.nBins, isPositiveInteger, 'must be a positive integer'),
    binSeconds: numberOption(args, 'bin-seconds', d.binSeconds, (n) => isPositiveInteger(n) && n % 60 === 0, 'must be a positive multiple of 60'),
    batchRows: numberOption(args, 'batch-rows', d.batchRows, isPositiveInteger, 'must be a positive integer'),
    reuse: args.values['no-reuse'] !== true,
    threads: threadsOption(args, log),
    threadsMinBlocks: numberOption(args, 'threads-min-blocks', d.threadsMinBlocks, (n) => Number.isInteger(n) && n >= 0, 'must be a whole number of blocks, 0 or more'),
  };
}

export const populateCommand: Command = {
  name: 'populate',
  summary: "Recompute one schedule's analytics in one streaming pass and one transaction.",
  usage: '--schedule ID [--lenient] [--no-reuse] [--phases 1,2,3] [--bins N] [--bin-seconds S] [--threads N] [--threads-min-blocks N]',
  details: [
    "The old analytics of the selected phases are replaced atomically: readers see the old rows or the new ones, and any failure leaves the old ones untouched.",
    'Bad visibility JSON fails the schedule with an error naming the block (exit 1) unless --lenient.',
    "Blocks whose visibility JSON is unchanged since any schedule's populate reuse the facts computed then instead of parsing it again (SQLite knows it from triggers that drop a block's facts when its JSON changes; SQL Server compares the JSON's SHA-256 digest and length on the server). On SQLite, when nothing the time bins depend on changed since the last populate (no visibility JSON in the database, no priority or scheduled flag of the schedule, the same --bin-seconds), Phase 3 is left in place without being computed; otherwise time bins that come out identical to the stored ones (same digest) are left in place. The output is the same as --no-reuse, which parses every block and rewrites every row.",
    'Exit codes: 0 done, 1 failed (nothing changed), 2 bad arguments.',
  ].join('\n'),
  options: {
    schedule: { type: 'string', valueName: 'ID', description: 'schedule id (see `tsi-etl schedules`)' },
    ...PIPELINE_OPTIONS,
  },
  examples: ['tsi-etl populate --schedule 1', 'tsi-etl populate --schedule 1 --lenient --phases 1,2 --json'],
  async run(args, ctx) {
    const scheduleId = requiredId(args, 'schedule');
    const config = pipelineConfigFromArgs(args, ctx.log);
    const store = await openMigratedStore(ctx.db);
    try {
      const summary = await populateSchedule(store, scheduleId, config, ctx.log);
      if (ctx.json) writeJson(ctx, { ...summary, peakRssMb: Number(peakRssMb().toFixed(1)) });
      else {
        const asked = config.threads ?? DEFAULT_PIPELINE_CONFIG.threads;
        const minBlocks = config.threadsMinBlocks ?? DEFAULT_PIPELINE_CONFIG.threadsMinBlocks;
        const why = summary.blocks < minBlocks
          ? `a schedule under ${fmt(minBlocks)} blocks gains nothing from workers (--threads-min-blocks)`
          : summary.threads === 1
            ? 'no run of blocks to parse was worth a worker (blocks whose visibility was reused, or without JSON, need no parsing)'
            : 'the blocks to parse never kept more workers busy';
        const ran = `${summary.threads} thread${summary.threads === 1 ? '' : 's'}`;
        const fewer = asked > summary.threads ? `  on ${ran}, not ${asked}: ${why}\n` : '';
        ctx.out.write(populateReport(summary) + fewer + `  peak RSS ${peakRssMb().toFixed(0)} MB\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
