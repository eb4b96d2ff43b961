import { openMigratedStore } from '../../../sql/create-store.js';
import { BACKFILL_MODES, backfill, type BackfillMode, type BackfillProgress, type BackfillReport } from '../../backfill.js';
import { ParameterError } from '../../../base/errors.js';
import { isPositiveInteger, numberOption, parseId, writeJson, type Command, type CommandArgs } from '../command.js';
import { count, fmt, textTable } from '../format.js';
import { progressReporter } from '../progress-bar.js';
import { noteFailure } from '../exit-status.js';
import { PIPELINE_OPTIONS, pipelineConfigFromArgs } from './populate.js';

function modeFromArgs(args: CommandArgs): BackfillMode {
  const chosen = BACKFILL_MODES.filter((m) => args.values[m] === true);
  if (chosen.length > 1) throw new ParameterError(`--${chosen.join(', --')}`, 'choose one of --missing, --changed, --all');
  return chosen[0] ?? 'missing';
}

/** The final table: counts, then one row per schedule skipped or failed, with the reason. */
export function backfillReportText(r: BackfillReport): string {
  const rate = r.seconds > 0 ? Math.round(r.blocks / r.seconds) : 0;
  // Ids given that do not exist fail without being selected: say so, or the header and the table disagree.
  const missing = r.failed.filter((f) => !r.selected.includes(f.scheduleId)).length;
  const lines = [
    `backfill --${r.mode} (concurrency ${r.concurrency}): ${count(r.selected.length, 'schedule')} selected${missing > 0 ? `, ${fmt(missing)} given that ${missing === 1 ? 'does' : 'do'} not exist` : ''}`,
    '',
    textTable(['', 'schedules'], [['done', r.done.length], ['skipped', r.skipped.length], ['failed', r.failed.length]]).trimEnd(),
    '',
    `blocks ${fmt(r.blocks)} in ${r.seconds.toFixed(2)} s (${fmt(rate)} blocks/s)`,
    `visibility JSON: ${count(r.parsedBlocks, 'block')} parsed, ${fmt(r.reusedBlocks)} reused stored facts`,
  ];
  const details = [
    ...r.skipped.map((s): (string | number)[] => [s.scheduleId, 'skipped', s.reason]),
    ...r.failed.map((f): (string | number)[] => [f.scheduleId, 'failed', f.error]),
  ];
  if (details.length > 0) lines.push('', textTable(['schedule', 'result', 'reason'], details).trimEnd());
  return lines.join('\n') + '\n';
}

/**
 * Ctrl-C (or SIGTERM) during a backfill: the running populates are rolled
 * back with the process, as a kill would; before exiting (128 + signal) this
 * ends the progress bar's line and says what was done and how to go on.
 * Returns the function that removes the handlers.
 */
function onInterrupt(message: () => string): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      process.stderr.write(`tsi-etl backfill: ${message()}\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}

export const backfillCommand: Command = {
  name: 'backfill',
  summary: 'Populate many schedules: those without analytics (default), those whose source changed, or all. Resumable; safe in several processes.',
  usage: '[--schedule ID ...] [--missing|--changed|--all] [--concurrency N] [--threads N] [--threads-min-blocks N] [--lenient] [--no-reuse] [--phases 1,2,3] [--bins N] [--bin-seconds S]',
  details: [
    'Each schedule is claimed without waiting (one another worker holds is skipped) and populated atomically, so a killed backfill leaves only complete schedules and running it again continues with the rest.',
    '--missing selects schedules lacking analytics of any requested phase (--phases); --changed also compares each schedule\'s source fingerprint (checksum, block count and aggregates of every column), --bins (phase 2) and --bin-seconds (phase 3) with those its analytics were computed from.',
    "Schedules over one pool of blocks parse each distinct visibility JSON once: later schedules reuse the facts stored by earlier ones (--no-reuse parses every block).",
    'A schedule that fails is reported with the reason and the others go on. Progress: a bar on a TTY (stderr), else a backfill-progress log event at most every 2 s.',
    'Exit codes: 0 every selected schedule done or skipped, 1 some failed, 2 bad arguments.',
  ].join('\n'),
  options: {
    schedule: { type: 'string', multiple: true, valueName: 'ID', description: 'consider only this schedule; repeat for more (default every schedule)' },
    missing: { type: 'boolean', description: 'only schedules without analytics of the requested phases (the default)' },
    changed: { type: 'boolean', description: 'also schedules whose source or requested config changed since their analytics were computed' },
    all: { type: 'boolean', description: 'every schedule' },
    concurrency: { type: 'string', valueName: 'N', description: 'schedules populated at once (default: 1 on SQLite, which has one writer; the connection pool size on SQL Server). On SQLite, N > 1 populates in N worker threads, each computing its schedule on its own core while their writes take turns; each populate still uses --threads threads' },
    ...PIPELINE_OPTIONS,
  },
  examples: ['tsi-etl backfill', 'tsi-etl backfill --all --concurrency 2', 'tsi-etl backfill --changed --concurrency 4 --db mssql://…', 'tsi-etl backfill --all --schedule 3 --schedule 7 --json'],
  async run(args, ctx) {
    const raw = args.values.schedule as string[] | undefined;
    const scheduleIds = raw?.map((id) => parseId(id, '--schedule'));
    const mode = modeFromArgs(args);
    const concurrency = args.values.concurrency === undefined ? undefined : numberOption(args, 'concurrency', 1, isPositiveInteger, 'must be a positive integer');
    const pipeline = pipelineConfigFromArgs(args, ctx.log);
    const store = await openMigratedStore(ctx.db);
    try {
      const bar = progressReporter(process.stderr, ctx.log);
      // The bar replaces the per-schedule info lines, which would break it; warnings still show.
      const log = process.stderr.isTTY && ctx.log.level === 'info' ? ctx.log.child({}, { level: 'warn' }) : ctx.log;
      let last: BackfillProgress | undefined;
      const stopInterrupting = onInterrupt(() => {
        bar.finish();
        const next = mode === 'all' ? 'running it again recomputes every schedule (--all starts over)' : 'running the same command again does the rest';
        return `interrupted with ${last ? `${fmt(last.done)} of ${count(last.total, 'schedule')}` : 'no schedule'} done; each schedule is wholly old or wholly new, and ${next}`;
      });
      const report = await backfill(store, { scheduleIds, mode, concurrency, pipeline, log, onProgress: (p) => bar.update((last = p)) }).finally(stopInterrupting);
      bar.finish();
      if (report.failed.length > 0) noteFailure();
      if (ctx.json) writeJson(ctx, report);
      else ctx.out.write(backfillReportText(report));
      return report.failed.length === 0 ? 0 : 1;
    } finally {
      await store.close();
    }
  },
};
