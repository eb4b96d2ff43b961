import { isMssqlTarget } from '../../../sql/create-store.js';
import { ParameterError } from '../../../base/errors.js';
import { writeJson, type Command } from '../command.js';
import { freshDatabaseStep, generateStep, histogramHintStep, populateStep, type DemoRun, type DemoStep } from '../demo-steps.js';
import { generateCommand, generateOptionsFromArgs } from './generate.js';

export const DEMO_DB = './tsi-demo.db';

/** The demo, in order; to show more, write a DemoStep (../demo-steps.ts) and list it here. */
export const DEMO_STEPS: readonly DemoStep[] = [freshDatabaseStep, generateStep, populateStep, histogramHintStep];

export const demoCommand: Command = {
  name: 'demo',
  summary: 'The main job end to end on a fresh embedded database: migrate, generate W10k, populate all phases, report.',
  usage: '[--db PATH] [--blocks N] [--days D] [--seed S] [--force]',
  details: [
    `Uses ${DEMO_DB} unless --db is given (a SQLite file only). The file is deleted and recreated, and the output says so;`,
    'a file holding schedules the demo did not create (or that is not a tsi-etl database) is left alone and the demo exits 2, unless --force.',
  ].join('\n'),
  options: {
    ...generateCommand.options,
    force: { type: 'boolean', description: 'delete the database file even when it holds schedules the demo did not create' },
  },
  async run(args, ctx) {
    const path = args.values.db === undefined ? DEMO_DB : String(args.values.db).replace(/^sqlite:/, '');
    if (isMssqlTarget(path)) throw new ParameterError('--db', 'the demo runs on the embedded SQLite default: give a file path');
    const run: DemoRun = { path, args, generate: generateOptionsFromArgs(args), scheduleIds: [], lines: [], json: {}, next: [] };
    for (const step of DEMO_STEPS) {
      ctx.log.debug({ step: step.name }, 'demo step');
      await step.run(run);
    }
    if (ctx.json) {
      writeJson(ctx, run.json);
      return 0;
    }
    const db = `--db ${path}`;
    ctx.out.write([...run.lines, '', 'Next, try:', ...[...run.next, '--help'].map((c) => `  node dist/pipeline/cli.js ${c} ${c === '--help' ? '' : db}`.trimEnd()), ''].join('\n'));
    return 0;
  },
};
