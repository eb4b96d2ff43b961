import { openMigratedStore } from '../../../sql/create-store.js';
import { getVisibilityHistogram, type HistogramBin, type HistogramQuery } from '../../../queries/visibility-reads.js';
import { ParameterError } from '../../../base/errors.js';
import { numberOption, optionalNumber, requiredId, writeJson, type Command, type CommandArgs } from '../command.js';
import { maxOf } from '../../../base/array-extent.js';
import { count } from '../format.js';

const SPARK = '▁▂▃▄▅▆▇█';
/** Bins printed as a table with bars; more become a sparkline. */
const TABLE_MAX_BINS = 48;

const iso = (unix: number) => new Date(unix * 1000).toISOString().replace('.000Z', 'Z');

export function renderHistogram(bins: HistogramBin[]): string {
  const most = maxOf(bins.map((b) => b.count));
  // Bars scale to the fullest bin (to 1 when every bin is empty, so nothing divides by 0).
  const max = Math.max(1, most);
  const head = `${count(bins.length, 'bin')} from ${iso(bins[0].binStartUnix)} to ${iso(bins[bins.length - 1].binEndUnix)}; `
    + `${most === 0 ? 'no block visible in any bin' : `max ${count(most, 'block')} in a bin`}\n`;
  if (bins.length <= TABLE_MAX_BINS) {
    return head + bins.map((b) => `${iso(b.binStartUnix)}  ${String(b.count).padStart(6)}  ${'█'.repeat(Math.round((b.count / max) * 40))}`).join('\n') + '\n';
  }
  const line = bins.map((b) => (b.count === 0 ? ' ' : SPARK[Math.min(7, Math.floor((b.count / max) * 8))])).join('');
  const rows: string[] = [];
  for (let i = 0; i < line.length; i += 96) rows.push(`${iso(bins[i].binStartUnix)}  ${line.slice(i, i + 96)}`);
  return head + rows.join('\n') + '\n';
}

/** The library names parameters as the plan's API does; the CLI names the option to change. */
const OPTION_OF: Record<string, string> = {
  start_unix: '--start', end_unix: '--end', bin_duration_minutes: '--bin-minutes', priority_min: '--priority-min', priority_max: '--priority-max', schedule_id: '--schedule',
};

/** Without --start or --end the library uses the schedule's range: the message must not name an option the user did not give. */
const DEFAULTED: Record<string, string> = { start_unix: "the schedule's start", end_unix: "the schedule's end" };

/** The library's `start_unix (S) must be before end_unix (E)`. */
const ORDER = /^\((.+)\) must be before end_unix \((.+)\)$/s;

function inOptionTerms(error: ParameterError, query: HistogramQuery): ParameterError {
  const problem = error.message.slice(error.parameter.length + 2);
  const order = error.parameter === 'start_unix' ? ORDER.exec(problem) : null;
  if (order && query.startUnix === undefined) {
    return new ParameterError('--end', `(${order[2]}) must be after the start (${order[1]}, the schedule's first visible minute, used because --start was not given)`);
  }
  if (order && query.endUnix === undefined) {
    return new ParameterError('--start', `(${order[1]}) must be before the end (${order[2]}, the end of the schedule's last visible minute, used because --end was not given)`);
  }
  // `start_unix 1735756200` names a value used, `give start_unix` the option to give.
  const defaulted = (name: string, rest: string) => /^ \(?-?\d/.test(rest) && (name === 'start_unix' ? query.startUnix : name === 'end_unix' ? query.endUnix : 0) === undefined;
  const words = new RegExp(`\\b(${Object.keys(OPTION_OF).join('|')})\\b`, 'g');
  const named = problem.replace(words, (name: string, _: string, at: number) => (defaulted(name, problem.slice(at + name.length)) ? DEFAULTED[name] : OPTION_OF[name]));
  return new ParameterError(OPTION_OF[error.parameter] ?? error.parameter, named);
}

function histogramQueryFromArgs(args: CommandArgs): HistogramQuery {
  const buckets = args.values.buckets === undefined ? undefined : String(args.values.buckets).split(',').map((b) => Number(b.trim()));
  if (buckets?.some((b) => ![1, 2, 3, 4].includes(b))) throw new ParameterError('--buckets', `must be a comma-separated list of 1..4, got ${JSON.stringify(args.values.buckets)}`);
  if (args.values.scheduled && args.values.unscheduled) throw new ParameterError('--scheduled', 'cannot be combined with --unscheduled');
  const startUnix = optionalNumber(args, 'start');
  const endUnix = optionalNumber(args, 'end');
  if (startUnix !== undefined && endUnix !== undefined && startUnix >= endUnix) throw new ParameterError('--start', `must be before --end (${startUnix} >= ${endUnix})`);
  return {
    scheduleId: requiredId(args, 'schedule'),
    startUnix,
    endUnix,
    binMinutes: numberOption(args, 'bin-minutes', 60, (n) => n > 0, 'must be a positive number of minutes'),
    priorityMin: optionalNumber(args, 'priority-min'),
    priorityMax: optionalNumber(args, 'priority-max'),
    buckets,
    scheduled: args.values.scheduled ? true : args.values.unscheduled ? false : undefined,
  };
}

export const histogramCommand: Command = {
  name: 'histogram',
  summary: 'The Visibility Map histogram: distinct blocks visible in each time bin, exact at any width.',
  usage: '--schedule ID [--start UNIX --end UNIX] [--bin-minutes M] [--priority-min X] [--priority-max Y] [--buckets 1,2] [--scheduled|--unscheduled]',
  details: [
    "Without --start/--end the schedule's whole time range is used. Served from the analytics tables (each block's merged minute ranges), exact for",
    'whole-minute start, end and width; other inputs and schedules without analytics are answered by the legacy path (parsing the JSON).',
    'With --json: an array of {bin_start_unix, bin_end_unix, count}.',
  ].join('\n'),
  options: {
    schedule: { type: 'string', valueName: 'ID', description: 'schedule id' },
    start: { type: 'string', valueName: 'UNIX', description: "start of the first bin, Unix seconds (default: the schedule's range)" },
    end: { type: 'string', valueName: 'UNIX', description: "end of the last bin, Unix seconds (default: the schedule's range)" },
    'bin-minutes': { type: 'string', valueName: 'M', description: 'bin width in minutes (default 60)' },
    'priority-min': { type: 'string', valueName: 'X', description: 'only blocks with priority >= X' },
    'priority-max': { type: 'string', valueName: 'Y', description: 'only blocks with priority <= Y' },
    buckets: { type: 'string', valueName: 'LIST', description: 'only these priority buckets, e.g. 3,4' },
    scheduled: { type: 'boolean', description: 'only scheduled blocks' },
    unscheduled: { type: 'boolean', description: 'only unscheduled blocks' },
    legacy: { type: 'boolean', description: 'force the legacy path (parse the JSON), for comparison' },
  },
  examples: ['tsi-etl histogram --schedule 1 --bin-minutes 1440', 'tsi-etl histogram --schedule 1 --start 1735689600 --end 1735776000 --bin-minutes 1 --json'],
  async run(args, ctx) {
    const query = histogramQueryFromArgs(args);
    const store = await openMigratedStore(ctx.db);
    try {
      const bins = await getVisibilityHistogram(store, query, { useAnalyticsTable: args.values.legacy ? false : undefined, log: ctx.log }).catch((error: unknown) => {
        throw error instanceof ParameterError ? inOptionTerms(error, query) : error;
      });
      if (ctx.json) writeJson(ctx, bins.map((b) => ({ bin_start_unix: b.binStartUnix, bin_end_unix: b.binEndUnix, count: b.count })));
      else ctx.out.write(renderHistogram(bins));
      return 0;
    } finally {
      await store.close();
    }
  },
};
