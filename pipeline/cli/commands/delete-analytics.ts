import { deleteAnalytics } from '../../../queries/block-reads.js';
import { openMigratedStore } from '../../../sql/create-store.js';
import { ALL_PHASES } from '../../../sql/table-specs.js';
import { UnknownScheduleError } from '../../../base/errors.js';
import { phasesOption, requiredId, writeJson, type Command } from '../command.js';
import { count, phasesLabel } from '../format.js';

export const deleteAnalyticsCommand: Command = {
  name: 'delete-analytics',
  summary: "Remove a schedule's analytics (all phases or some) in one transaction; its source rows stay untouched (the rollback).",
  usage: '--schedule ID [--phases 1,2,3]',
  details: [
    'Deletes the rows of the chosen phases\' tables and the run record, so `tsi-etl backfill` (--missing) computes the schedule again; readers fall back to the legacy path meanwhile.',
    'The cached comparisons (`tsi-etl compare`) the schedule is part of are deleted in the same transaction.',
    'Exit codes: 0 deleted (possibly 0 rows), 1 unknown schedule, 2 bad arguments.',
  ].join('\n'),
  options: {
    schedule: { type: 'string', valueName: 'ID', description: 'schedule id (see `tsi-etl schedules`)' },
    phases: { type: 'string', valueName: 'LIST', description: 'phases whose tables to empty: 1 per-block rows, 2 summaries, 3 time bins (default 1,2,3)' },
  },
  examples: ['tsi-etl delete-analytics --schedule 3', 'tsi-etl delete-analytics --schedule 3 --phases 3'],
  async run(args, ctx) {
    const scheduleId = requiredId(args, 'schedule');
    const phases = phasesOption(args) ?? ALL_PHASES;
    const store = await openMigratedStore(ctx.db);
    try {
      const schedule = await store.db.selectFrom('schedules').select('schedule_id').where('schedule_id', '=', scheduleId).executeTakeFirst();
      if (schedule === undefined) throw new UnknownScheduleError(scheduleId);
      const rowsDeleted = await deleteAnalytics(store, scheduleId, phases);
      if (ctx.json) writeJson(ctx, { scheduleId, phases, rowsDeleted });
      else ctx.out.write(`schedule ${scheduleId}: deleted ${count(rowsDeleted, 'analytics row')} of ${phasesLabel(phases)}; source rows untouched\n`);
      ctx.log.info({ event: 'analytics-deleted', scheduleId, phases, rowsDeleted }, 'analytics deleted');
      return 0;
    } finally {
      await store.close();
    }
  },
};
