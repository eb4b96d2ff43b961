import { openMigratedStore } from '../../../sql/create-store.js';
import { listSchedules } from '../../../queries/block-reads.js';
import { ParameterError } from '../../../base/errors.js';
import { verifySchedule, VERIFY_WIDTHS, type VerifyReport } from '../../verify.js';
import { parseId, writeJson, type Command } from '../command.js';
import { statusLine } from '../progress-bar.js';
import { noteFailure } from '../exit-status.js';

function renderReport(r: VerifyReport): string {
  if (r.ok) return `schedule ${r.scheduleId}: ok — phases ${r.phases}, ${r.checked.length} checks (${r.seconds.toFixed(2)} s)\n`;
  const lines = [`schedule ${r.scheduleId}: DRIFT — ${r.drifts.length} difference${r.drifts.length === 1 ? '' : 's'}${r.drifts.length >= 20 ? ' (first ones per table)' : ''}`];
  for (const d of r.drifts) lines.push(`  ${d.table} [${d.key}]: ${d.detail}`);
  return lines.join('\n') + '\n';
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Recompute analytics through the legacy path and compare them with the analytics tables; exit 1 on any drift.',
  usage: '--schedule ID [--schedule ID …] | --all',
  details: [
    'Checks every per-block row, the four summary tables, the time-bin metadata and every time bin, and the',
    `visibility histogram at ${VERIFY_WIDTHS.join(', ')}-minute widths (analytics vs legacy), plus whether the source changed since the populate.`,
    'A schedule without analytics counts as drift. On a TTY a progress line on stderr names the step (W10k takes about 10 s).',
    'Exit codes: 0 no drift, 1 drift or failure, 2 bad arguments.',
  ].join('\n'),
  options: {
    schedule: { type: 'string', multiple: true, valueName: 'ID', description: 'schedule id (repeatable)' },
    all: { type: 'boolean', description: 'every schedule' },
  },
  examples: ['tsi-etl verify --schedule 1', 'tsi-etl verify --all --json'],
  async run(args, ctx) {
    const ids = ((args.values.schedule as string[] | undefined) ?? []).map((s) => parseId(s, '--schedule'));
    if (ids.length === 0 && !args.values.all) throw new ParameterError('--schedule', 'give --schedule ID or --all');
    if (ids.length > 0 && args.values.all) throw new ParameterError('--all', 'cannot be combined with --schedule');
    const store = await openMigratedStore(ctx.db);
    const status = statusLine(process.stderr);
    try {
      const targets = args.values.all ? (await listSchedules(store)).map((s) => s.schedule_id) : ids;
      if (targets.length === 0 && !ctx.json) ctx.out.write('no schedules yet: nothing to verify (try `tsi-etl generate` or `tsi-etl import FILE`)\n');
      const reports: VerifyReport[] = [];
      for (const id of targets) {
        const started = performance.now();
        const report = await verifySchedule(store, id, (step) => status.show(`verify schedule ${id}: ${step}… (${((performance.now() - started) / 1000).toFixed(0)} s)`));
        status.erase();
        reports.push(report);
        if (!report.ok) noteFailure();
        if (!ctx.json) ctx.out.write(renderReport(report));
      }
      if (ctx.json) writeJson(ctx, reports);
      return reports.every((r) => r.ok) ? 0 : 1;
    } finally {
      status.close();
      await store.close();
    }
  },
};
