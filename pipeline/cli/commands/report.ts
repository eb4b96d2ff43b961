import { openMigratedStore } from '../../../sql/create-store.js';
import { ParameterError } from '../../../base/errors.js';
import { writeReportLazily as writeReport } from '../../report/lazy-report.js';
import { defaultReportPath } from '../../report/report-request.js';
import { outputFile, parseId, requiredId, writeJson, type Command, type CommandArgs } from '../command.js';

function compareOption(args: CommandArgs, scheduleId: number): number[] {
  const raw = args.values.compare;
  if (raw === undefined) return [];
  const ids = String(raw).split(',').map((id) => parseId(id, '--compare'));
  if (ids.includes(scheduleId)) throw new ParameterError('--compare', `must not list the report's own schedule ${scheduleId}`);
  return [...new Set(ids)];
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'Write a self-contained HTML report of a schedule: sky map, rates, histograms, heatmap, visibility over time, timeline, comparisons.',
  usage: '--schedule ID [--compare B[,C…]] [--out FILE]',
  details: [
    'One HTML file that opens offline: every chart is a static SVG drawn by Vega-Lite when the report is made, every style is inline, there is no script',
    'and no network request. It shows what the dashboards would: each part is read through the library reads (analytics tables, or the legacy path',
    'when they are missing) and names its source. With --compare, each listed schedule is compared with ID: figures side by side, status counts,',
    'the cumulative priority coverage curves and the first differing blocks.',
    'Prints the file path, its size and the seconds taken; with --json: {path, bytes, seconds}.',
    'Exit codes: 0 done, 1 failed (e.g. unknown schedule), 2 bad arguments.',
  ].join('\n'),
  options: {
    schedule: { type: 'string', valueName: 'ID', description: 'schedule id (see `tsi-etl schedules`)' },
    compare: { type: 'string', valueName: 'B[,C…]', description: 'schedule ids to compare with ID, comma-separated' },
    out: { type: 'string', valueName: 'FILE', description: 'where to write the report (default report-<ID>.html)' },
  },
  examples: ['tsi-etl report --schedule 1', 'tsi-etl report --schedule 1 --compare 2,3 --out compare.html'],
  async run(args, ctx) {
    const scheduleId = requiredId(args, 'schedule');
    const compare = compareOption(args, scheduleId);
    const out = outputFile(args) ?? defaultReportPath(scheduleId);
    const store = await openMigratedStore(ctx.db);
    try {
      const written = await writeReport(store, { scheduleId, compare, out }, { log: ctx.log });
      if (ctx.json) writeJson(ctx, written);
      else ctx.out.write(`report of schedule ${scheduleId}: ${(written.bytes / 1e6).toFixed(2)} MB in ${written.seconds.toFixed(2)} s\n${written.path}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
