import { openStore } from '../../../sql/create-store.js';
import { DuplicateScheduleError, ParameterError, TsiError } from '../../../base/errors.js';
import { loadGeneratedSchedule } from '../../load-schedule.js';
import { loadVariantSchedule, type VariantOptions } from '../../variant-schedule.js';
import { isPositiveInteger, numberOption, parseId, writeJson, type Command, type CommandArgs } from '../command.js';
import { count } from '../format.js';
import { analyticsDeletedLines } from './migrate.js';
import type { GenerateOptions } from '../../schedule-generator.js';

export const GENERATE_DEFAULTS = { blocks: 10_000, days: 183, seed: 1, change: 0.2 } as const;

/** `--name`, when given: a bad argument (exit 2) when empty. */
function nameOption(args: CommandArgs): { name?: string } {
  if (args.values.name === undefined) return {};
  const name = String(args.values.name);
  if (name.trim() === '') throw new ParameterError('--name', 'must not be empty');
  return { name };
}

export function generateOptionsFromArgs(args: CommandArgs): GenerateOptions {
  return {
    blocks: numberOption(args, 'blocks', GENERATE_DEFAULTS.blocks, isPositiveInteger, 'must be a positive integer'),
    days: numberOption(args, 'days', GENERATE_DEFAULTS.days, isPositiveInteger, 'must be a positive integer'),
    seed: numberOption(args, 'seed', GENERATE_DEFAULTS.seed, Number.isInteger, 'must be an integer'),
    ...nameOption(args),
  };
}

/** The options of `--variant-of S`; --blocks and --days describe a new pool of blocks, so they do not go with it. */
function variantOptionsFromArgs(args: CommandArgs): VariantOptions {
  for (const option of ['blocks', 'days']) {
    if (args.values[option] !== undefined) throw new ParameterError(`--${option}`, 'cannot be used with --variant-of (a variant links the blocks of its schedule)');
  }
  return {
    variantOf: parseId(String(args.values['variant-of']), '--variant-of'),
    seed: numberOption(args, 'seed', GENERATE_DEFAULTS.seed, Number.isSafeInteger, 'must be an integer'),
    change: numberOption(args, 'change', GENERATE_DEFAULTS.change, (f) => f >= 0 && f <= 1, 'must be a fraction between 0 and 1'),
    ...nameOption(args),
  };
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Write a realistic synthetic schedule into the source tables, or a variant of a stored one (deterministic for a seed, streaming).',
  usage: '[--blocks N] [--days D] [--seed S] [--name NAME] | --variant-of ID [--seed S] [--change F] [--name NAME]',
  details: [
    `Defaults give W10k: ${GENERATE_DEFAULTS.blocks} blocks over ${GENERATE_DEFAULTS.days} days (about 180 visibility periods and 10 KB of JSON per block). Migrates the database first if needed. The same options twice are the same schedule and are rejected as a duplicate (change --seed).`,
    '',
    'With --variant-of ID: a new schedule that links the same blocks as schedule ID (no new block rows), scheduled differently, as another run of the scheduler over the same pool would be.',
    `Each block changes with probability F (default ${GENERATE_DEFAULTS.change}): a scheduled block is retimed by 2 s to 6 h, unscheduled, or left out of the variant; an unscheduled one is scheduled within the schedule's scheduled span, for the schedule's mean window length (or its requested duration when shorter), or left out.`,
    'The same ID, seed and F give the same variant (and are rejected as a duplicate the second time); --blocks and --days do not apply.',
    'With --json: {scheduleId, variantOf, blocks, changes: {newly_scheduled, newly_unscheduled, retimed, left_out, unchanged}, seconds}.',
    '',
    'Exit codes: 0 done, 1 failed (e.g. unknown schedule, duplicate), 2 bad arguments.',
  ].join('\n'),
  options: {
    blocks: { type: 'string', valueName: 'N', description: `number of scheduling blocks (default ${GENERATE_DEFAULTS.blocks})` },
    days: { type: 'string', valueName: 'D', description: `length of the schedule in days (default ${GENERATE_DEFAULTS.days})` },
    seed: { type: 'string', valueName: 'S', description: `random seed (default ${GENERATE_DEFAULTS.seed})` },
    name: { type: 'string', valueName: 'NAME', description: 'schedule name (default derived from the options)' },
    'variant-of': { type: 'string', valueName: 'ID', description: 'write a variant of this stored schedule instead: same blocks, scheduled differently' },
    change: { type: 'string', valueName: 'F', description: `with --variant-of: fraction of the blocks that change, 0 to 1 (default ${GENERATE_DEFAULTS.change})` },
  },
  examples: ['tsi-etl generate --blocks 100000 --seed 7', 'tsi-etl generate --variant-of 1 --seed 2', 'tsi-etl generate --variant-of 1 --seed 3 --change 0.05 --json'],
  async run(args, ctx) {
    if (args.values['variant-of'] === undefined && args.values.change !== undefined) throw new ParameterError('--change', 'only applies with --variant-of');
    const variant = args.values['variant-of'] === undefined ? undefined : variantOptionsFromArgs(args);
    const options = variant === undefined ? generateOptionsFromArgs(args) : undefined;
    const store = await openStore(ctx.db, { create: true });
    try {
      for (const line of analyticsDeletedLines(store.description, await store.migrate())) ctx.log.warn(line);
      if (variant !== undefined) {
        const loaded = await loadVariantSchedule(store, variant).catch((error: unknown) => {
          if (!(error instanceof DuplicateScheduleError)) throw error;
          throw new TsiError(`schedule ${error.existingScheduleId} is already the variant of schedule ${variant.variantOf} with --seed ${variant.seed} and --change ${variant.change}: change --seed (or --change) for another one`, { cause: error });
        });
        const c = loaded.changes;
        if (ctx.json) writeJson(ctx, loaded);
        else ctx.out.write(`generated schedule ${loaded.scheduleId}, a variant of schedule ${loaded.variantOf}: ${count(loaded.blocks, 'block')}; `
          + `${c.newly_scheduled} newly scheduled, ${c.newly_unscheduled} newly unscheduled, ${c.retimed} retimed, ${c.left_out} left out, ${c.unchanged} unchanged in ${loaded.seconds.toFixed(2)} s\n`);
        return 0;
      }
      const loaded = await loadGeneratedSchedule(store, options!).catch((error: unknown) => {
        if (!(error instanceof DuplicateScheduleError)) throw error;
        throw new TsiError(`schedule ${error.existingScheduleId} was generated with the same --blocks, --days, --seed and --name: change --seed (or --name) for another one`, { cause: error });
      });
      if (ctx.json) writeJson(ctx, loaded);
      else ctx.out.write(`generated schedule ${loaded.scheduleId}: ${count(loaded.blocks, 'block')}, ${(loaded.jsonBytes / 1e6).toFixed(1)} MB of visibility JSON in ${loaded.seconds.toFixed(2)} s\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
