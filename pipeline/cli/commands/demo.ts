import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMssqlTarget, openStore } from '../../../sql/create-store.js';
import { ParameterError } from '../../errors.js';
import { loadGeneratedSchedule } from '../../load-schedule.js';
import { populateSchedule } from '../../populate.js';
import { writeJson, type Command } from '../command.js';
import { peakRssMb, populateReport } from '../format.js';
import { generateCommand, generateOptionsFromArgs } from './generate.js';

export const DEMO_DB = './tsi-demo.db';

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
    const store = await openStore(path, { create: true });
    try {
      const migrated = await store.migrate();
      const options = generateOptionsFromArgs(args);
      const loaded = await loadGeneratedSchedule(store, options);
      const summary = await populateSchedule(store, loaded.scheduleId, {}, ctx.log);
      const rss = peakRssMb();
      if (ctx.json) {
        writeJson(ctx, { database: resolve(path), migrations: migrated.applied, generated: loaded, populate: summary, peakRssMb: Number(rss.toFixed(1)) });
        return 0;
      }
      const db = `--db ${path}`;
      ctx.out.write([
        `tsi-etl demo — database ${resolve(path)}`,
        `migrated: ${migrated.applied.length} migrations`,
        `generated schedule ${loaded.scheduleId}: ${loaded.blocks.toLocaleString('en-US')} blocks × ${options.days} days, ${(loaded.jsonBytes / 1e6).toFixed(1)} MB of visibility JSON (${loaded.seconds.toFixed(2)} s)`,
        '',
        populateReport(summary).trimEnd(),
        `  peak RSS of this process: ${rss.toFixed(0)} MB`,
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
    } finally {
      await store.close();
    }
  },
};
