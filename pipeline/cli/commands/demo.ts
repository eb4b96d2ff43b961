import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMssqlTarget } from '../../../sql/create-store.js';
import { ParameterError } from '../../../base/errors.js';
import { writeJson, type Command } from '../command.js';
import {
  compareStep, freshDatabaseStep, generateStep, histogramHintStep, populateStep0, populateVariantStep, reportStep, variantStep, type DemoRun, type DemoStep,
} from '../demo-steps.js';
import { generateCommand, generateOptionsFromArgs } from './generate.js';

export const DEMO_DB = './tsi-demo.db';

/** generate's options without --variant-of and --change: the demo makes its own variant. */
const { 'variant-of': _variantOf, change: _change, ...VARIANT_FREE_GENERATE_OPTIONS } = generateCommand.options;

/** The demo, in order; to show more, write a DemoStep (../demo-steps.ts) and list it here. */
export const DEMO_STEPS: readonly DemoStep[] = [
  freshDatabaseStep, generateStep, populateStep0, histogramHintStep, variantStep, populateVariantStep, compareStep, reportStep,
];

export const demoCommand: Command = {
  name: 'demo',
  summary: 'The main job end to end on a fresh embedded database: migrate, generate W10k, populate, a variant run, compare, HTML report.',
  usage: '[--db PATH] [--blocks N] [--days D] [--seed S] [--force]',
  details: [
    `Uses ${DEMO_DB} unless --db is given (a SQLite file only). The file is deleted and recreated, and the output says so;`,
    'a file holding schedules the demo did not create (or that is not a tsi-etl database) is left alone and the demo exits 2, unless --force.',
    'Steps: generate a schedule (W10k unless --blocks/--days), populate it, generate a variant over the same blocks (another run of the scheduler) and populate it,',
    'compare the two runs, and write report-<id>.html beside the database: its path is the last line of the output.',
  ].join('\n'),
  options: {
    ...VARIANT_FREE_GENERATE_OPTIONS,
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
    // The CLI as the user can run it from where they are (`dist/pipeline/cli.js` from the repository).
    const cli = relative(process.cwd(), fileURLToPath(new URL('../../cli.js', import.meta.url)));
    const next = [...run.next, '--help'].map((c) => `  node ${cli} ${c} ${c === '--help' ? '' : db}`.trimEnd());
    // The report's path is the last line, so it can be opened (or piped) directly.
    ctx.out.write([...run.lines, '', 'Next, try:', ...next, '', 'Open the HTML report of both runs in a browser:', run.report, ''].join('\n'));
    return 0;
  },
};
