import { ParameterError } from '../../../base/errors.js';
import { openMigratedStore } from '../../../sql/create-store.js';
import { fetchTimeline, type Timeline, type TimelineQuery } from '../../../queries/timeline-reads.js';
import { optionalNumber, requiredId, writeJson, type Command, type CommandArgs } from '../command.js';
import { count, fmt, textTable } from '../format.js';

function timelineQueryFromArgs(args: CommandArgs): TimelineQuery {
  const query = {
    scheduleId: requiredId(args, 'schedule'),
    fromUnix: optionalNumber(args, 'from'),
    toUnix: optionalNumber(args, 'to'),
    priorityMin: optionalNumber(args, 'priority-min'),
    priorityMax: optionalNumber(args, 'priority-max'),
  };
  if (query.fromUnix !== undefined && query.toUnix !== undefined && query.fromUnix >= query.toUnix) {
    throw new ParameterError('--from', `must be before --to, got ${query.fromUnix} >= ${query.toUnix}`);
  }
  if (query.priorityMin !== undefined && query.priorityMax !== undefined && query.priorityMin > query.priorityMax) {
    throw new ParameterError('--priority-min', `(${query.priorityMin}) must not exceed --priority-max (${query.priorityMax})`);
  }
  return query;
}

/** ` within --from 1 --to 2`: the filters that left no block, as given. */
function filtersText(q: TimelineQuery): string {
  const given = ([['--from', q.fromUnix], ['--to', q.toUnix], ['--priority-min', q.priorityMin], ['--priority-max', q.priorityMax]] as const)
    .filter(([, value]) => value !== undefined).map(([option, value]) => `${option} ${value}`);
  return given.length === 0 ? '' : ` within ${given.join(' ')}`;
}

/** One line per UTC month of the starts: a schedule's 10,000 blocks summarized, not listed. */
export function timelineText(t: Timeline, query?: TimelineQuery): string {
  const tail = `${count(t.dark_periods.length, 'dark period')} — source: ${t.source}\n`;
  if (t.blocks.length === 0) return `schedule ${t.schedule_id}: no scheduled blocks${query ? filtersText(query) : ''}, ${tail}`;
  const head = `schedule ${t.schedule_id}: ${count(t.scheduled_count, 'scheduled block')} in ${count(t.months.length, 'month')}, `
    + `priority ${fmt(t.priority_min)}–${fmt(t.priority_max)}, ${tail}`;
  const byMonth = new Map<string, { blocks: number; seconds: number; lo: number; hi: number }>();
  for (const b of t.blocks) {
    const month = new Date(b.scheduled_start_unix * 1000).toISOString().slice(0, 7);
    const m = byMonth.get(month) ?? { blocks: 0, seconds: 0, lo: Infinity, hi: -Infinity };
    m.blocks++;
    m.seconds += b.scheduled_duration_sec;
    m.lo = Math.min(m.lo, b.priority);
    m.hi = Math.max(m.hi, b.priority);
    byMonth.set(month, m);
  }
  return head + '\n' + textTable(
    ['month (UTC)', 'blocks', 'scheduled h', 'priority min', 'priority max'],
    t.months.map((month) => {
      const m = byMonth.get(month)!;
      return [month, m.blocks, Number((m.seconds / 3600).toFixed(1)), m.lo, m.hi];
    }),
  );
}

export const timelineCommand: Command = {
  name: 'timeline',
  summary: "The Timeline page: a schedule's scheduled blocks in start order, with its dark periods.",
  usage: '--schedule ID [--from UNIX --to UNIX] [--priority-min X --priority-max Y] [--json] [--legacy]',
  details: [
    'Served from the per-block analytics table through its Timeline index; a schedule without analytics is answered from the source tables (the legacy path).',
    'Blocks are ordered by scheduled start, then block id. --from/--to keep the blocks whose scheduled window overlaps [from, to);',
    'the priority bounds are inclusive. The text output is one line per month (blocks, scheduled hours, priority range);',
    'with --json: {schedule_id, source, scheduled_count, priority_min, priority_max, months, dark_periods, blocks}, each block with',
    'scheduling_block_id, key, priority, priority_bucket, scheduled_start/stop_mjd, scheduled_start/stop_unix, scheduled_duration_sec,',
    'requested_hours, ra_deg, dec_deg, total_visibility_hours. The count, priority range and months are over the blocks returned.',
    'Exit codes: 0 done, 1 failed (unknown schedule, bad dark_periods_json), 2 bad arguments.',
  ].join('\n'),
  options: {
    schedule: { type: 'string', valueName: 'ID', description: 'schedule id (see `tsi-etl schedules`)' },
    from: { type: 'string', valueName: 'UNIX', description: 'keep blocks whose window ends after this time, Unix seconds' },
    to: { type: 'string', valueName: 'UNIX', description: 'keep blocks whose window starts before this time, Unix seconds' },
    'priority-min': { type: 'string', valueName: 'X', description: 'only blocks with priority >= X' },
    'priority-max': { type: 'string', valueName: 'Y', description: 'only blocks with priority <= Y' },
    legacy: { type: 'boolean', description: 'compute from the source tables even when analytics exist' },
  },
  examples: ['tsi-etl timeline --schedule 1', 'tsi-etl timeline --schedule 1 --from 1735689600 --to 1736294400 --priority-min 8 --json'],
  async run(args, ctx) {
    const query = timelineQueryFromArgs(args);
    const store = await openMigratedStore(ctx.db);
    try {
      const timeline = await fetchTimeline(store, query, { log: ctx.log, useAnalyticsTable: args.values.legacy === true ? false : undefined });
      if (ctx.json) writeJson(ctx, timeline);
      else ctx.out.write(timelineText(timeline, query));
      return 0;
    } finally {
      await store.close();
    }
  },
};
