import { openMigratedStore } from '../../../sql/create-store.js';
import { listSchedules } from '../../../queries/block-reads.js';
import { writeJson, type Command } from '../command.js';
import { phasesLabel, textTable } from '../format.js';

export const schedulesCommand: Command = {
  name: 'schedules',
  summary: 'List schedules with their block counts and whether analytics exist.',
  usage: '[--json]',
  details: 'With --json: an array of {schedule_id, schedule_name, upload_timestamp, block_count, has_analytics, analytics_phases, analytics_completed_at}.',
  options: {},
  async run(_args, ctx) {
    const store = await openMigratedStore(ctx.db);
    try {
      const schedules = await listSchedules(store);
      if (ctx.json) writeJson(ctx, schedules);
      else if (schedules.length === 0) ctx.out.write('no schedules yet (try `tsi-etl generate` or `tsi-etl import FILE`)\n');
      else {
        ctx.out.write(textTable(
          ['id', 'name', 'blocks', 'analytics', 'computed at'],
          schedules.map((s) => [s.schedule_id, s.schedule_name, s.block_count, s.analytics_phases ? phasesLabel(s.analytics_phases) : 'none', s.analytics_completed_at ?? '']),
        ));
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
