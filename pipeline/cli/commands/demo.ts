import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMssqlTarget, openStore } from '../../../sql/create-store.js';
import { loadGeneratedSchedule, type LoadSummary } from '../../load-schedule.js';
import type { PopulateSummary } from '../../populate.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MigrationReport } from '../../../sql/store.js';
import { ParameterError, TsiError } from '../../../base/errors.js';
import { writeJson, type Command, type CommandArgs } from '../command.js';
import { count, populateReport } from '../format.js';
import { generateCommand, generateOptionsFromArgs } from './generate.js';

export const DEMO_DB = './tsi-demo.db';

/** The demo's own --log-level / --log-format, passed on to its populate process. */
function logArgs(args: CommandArgs): string[] {
  return ['log-level', 'log-format'].flatMap((k) => (args.values[k] === undefined ? [] : [`--${k}`, String(args.values[k])]));
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'The main job end to end on a fresh embedded database: migrate, generate W10k, populate all phases, report.',
  usage: '[--db PATH] [--blocks N] [--days D] [--seed S]',
  details: `Uses ${DEMO_DB} unless --db is given (a SQLite file only; it is deleted and recreated).`,
  options: { ...generateCommand.options },
  async run(args, ctx) {
    const path = args.values.db === undefined ? DEMO_DB : String(args.values.db).replace(/^sqlite:/, '');
    if (isMssqlTarget(path)) throw new ParameterError('--db', 'the demo runs on the embedded SQLite default: give a file path');
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    const options = generateOptionsFromArgs(args);
    const store = await openStore(path, { create: true });
    let migrated: MigrationReport;
    let loaded: LoadSummary;
    try {
      migrated = await store.migrate();
      loaded = await loadGeneratedSchedule(store, options);
    } finally {
      await store.close();
    }
    // The populate runs in its own process, so its peak RSS is its own and not the generator's.
    const child = spawnSync(process.execPath, [fileURLToPath(new URL('../../cli.js', import.meta.url)), 'populate', '--schedule', String(loaded.scheduleId), '--db', path, '--json', ...logArgs(args)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    if (child.status !== 0) throw new TsiError(`the demo's populate failed (exit ${child.status})`);
    const { peakRssMb: rss, ...summary } = JSON.parse(child.stdout) as PopulateSummary & { peakRssMb: number };
    if (ctx.json) {
      writeJson(ctx, { database: resolve(path), migrations: migrated.applied, generated: loaded, populate: summary, peakRssMb: Number(rss.toFixed(1)) });
      return 0;
    }
    const db = `--db ${path}`;
    ctx.out.write([
      `tsi-etl demo — database ${resolve(path)}`,
      `migrated: ${migrated.applied.length} migrations`,
      `generated schedule ${loaded.scheduleId}: ${count(loaded.blocks, 'block')} × ${count(options.days, 'day')}, ${(loaded.jsonBytes / 1e6).toFixed(1)} MB of visibility JSON (${loaded.seconds.toFixed(2)} s)`,
      '',
      populateReport(summary).trimEnd(),
      `  peak RSS of the populate process: ${rss.toFixed(0)} MB`,
      '',
      'Next, try:',
      `  node dist/pipeline/cli.js schedules ${db}`,
      `  node dist/pipeline/cli.js summary --schedule ${loaded.scheduleId} ${db}`,
      `  node dist/pipeline/cli.js histogram --schedule ${loaded.scheduleId} --bin-minutes 1440 ${db}`,
      `  node dist/pipeline/cli.js verify --schedule ${loaded.scheduleId} ${db}`,
      `  node dist/pipeline/cli.js --help`,
      '',
    ].join('\n'));
    return 0;
  },
};
