import { openStore } from '../../../sql/create-store.js';
import { DuplicateScheduleError, TsiError } from '../../../base/errors.js';
import { loadGeneratedSchedule } from '../../load-schedule.js';
import { isPositiveInteger, numberOption, writeJson, type Command, type CommandArgs } from '../command.js';
import { count } from '../format.js';
import type { GenerateOptions } from '../../schedule-generator.js';

export const GENERATE_DEFAULTS = { blocks: 10_000, days: 183, seed: 1 } as const;

export function generateOptionsFromArgs(args: CommandArgs): GenerateOptions {
  return {
    blocks: numberOption(args, 'blocks', GENERATE_DEFAULTS.blocks, isPositiveInteger, 'must be a positive integer'),
    days: numberOption(args, 'days', GENERATE_DEFAULTS.days, isPositiveInteger, 'must be a positive integer'),
    seed: numberOption(args, 'seed', GENERATE_DEFAULTS.seed, Number.isInteger, 'must be an integer'),
    ...(args.values.name === undefined ? {} : { name: String(args.values.name) }),
  };
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Write a realistic synthetic schedule into the source tables (deterministic for a seed, streaming).',
  usage: '[--blocks N] [--days D] [--seed S] [--name NAME]',
  details: `Defaults give W10k: ${GENERATE_DEFAULTS.blocks} blocks over ${GENERATE_DEFAULTS.days} days (about 180 visibility periods and 10 KB of JSON per block). Migrates the database first if needed. The same options twice are the same schedule and are rejected as a duplicate (change --seed).`,
  options: {
    blocks: { type: 'string', valueName: 'N', description: `number of scheduling blocks (default ${GENERATE_DEFAULTS.blocks})` },
    days: { type: 'string', valueName: 'D', description: `length of the schedule in days (default ${GENERATE_DEFAULTS.days})` },
    seed: { type: 'string', valueName: 'S', description: `random seed (default ${GENERATE_DEFAULTS.seed})` },
    name: { type: 'string', valueName: 'NAME', description: 'schedule name (default derived from the options)' },
  },
  examples: ['tsi-etl generate --blocks 100000 --seed 7'],
  async run(args, ctx) {
    const options = generateOptionsFromArgs(args);
    const store = await openStore(ctx.db, { create: true });
    try {
      await store.migrate();
      const loaded = await loadGeneratedSchedule(store, options).catch((error: unknown) => {
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
