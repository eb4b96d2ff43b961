/*
 * The child-process side of the bench runner. `node dist/bench/scenario.js
 * <name> <json-args>` runs one scenario once and sends its result and the
 * process's peak RSS to the parent over IPC, so every measurement starts in
 * a fresh process and its peak RSS is its own.
 */
import { naiveOnce } from './naive.bench.js';
import { parseOnce } from './parse.bench.js';
import { populateOnce } from './populate.bench.js';
import { readsOnce } from './reads.bench.js';

/** Arguments of the `external` scenario: a bench module written elsewhere, called by export name. */
export interface ExternalArgs {
  /** File name next to this one, e.g. `backfill.bench.js`. */
  module: string;
  exportName: string;
  params: unknown[];
}

/** What a child sends back: the result, or the error that ended it. */
export type ScenarioMessage =
  | { ok: true; result: unknown; peakRssMb: number }
  | { ok: false; error: string };

async function external(args: ExternalArgs): Promise<unknown> {
  // A computed specifier: the module may not exist when this file is compiled.
  const module = (await import(new URL(`./${args.module}`, import.meta.url).href)) as Record<string, unknown>;
  const fn = module[args.exportName];
  if (typeof fn !== 'function') throw new Error(`${args.module} does not export a function ${args.exportName}`);
  return (fn as (...params: unknown[]) => unknown)(...args.params);
}

/** Every scenario a child can run, by name. `idle` measures the peak RSS of a child that only loaded the code. */
export const SCENARIOS = {
  idle: async () => ({}),
  populate: populateOnce,
  naive: naiveOnce,
  parse: parseOnce,
  reads: readsOnce,
  external,
} as const;

export type ScenarioName = keyof typeof SCENARIOS;

async function main(): Promise<void> {
  const [name, json] = process.argv.slice(2);
  let message: ScenarioMessage;
  try {
    if (!(name in SCENARIOS)) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    const scenario = SCENARIOS[name as ScenarioName] as (args: unknown) => Promise<unknown>;
    const result = await scenario(JSON.parse(json ?? '{}'));
    // resourceUsage().maxRSS is in kilobytes.
    message = { ok: true, result, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } catch (error) {
    message = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.send!(message, () => process.disconnect());
}

if (process.send) await main();
