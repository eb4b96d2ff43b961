import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Logger } from '../../base/logger.js';
import { ParameterError } from '../../base/errors.js';
import { maxOf } from '../../base/array-extent.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };

/** One `tsi-etl <name>` command: its help text is built from these fields. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage after `tsi-etl <name>`, e.g. `--schedule ID [--lenient]`. */
  usage: string;
  /** Longer text: what it does, defaults, exit codes. */
  details?: string;
  options: Record<string, OptionSpec>;
  /** Extra positional arguments allowed (e.g. the FILE of `import`). */
  positionals?: string;
  examples?: string[];
  run(args: CommandArgs, ctx: CommandContext): Promise<number>;
}

export interface CommandArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface CommandContext {
  log: Logger;
  /** Where human and JSON output goes (stdout). */
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** The --db target (already defaulted). */
  db: string;
  json: boolean;
}

/** Options every command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  db: { type: 'string', valueName: 'TARGET', description: 'database: a SQLite file path or sqlite:PATH (default ./tsi.db, or env TSI_DB / TSI_MSSQL_URL), or mssql://user:pass@host:port/db, or an ADO string Server=…;Database=…' },
  json: { type: 'boolean', description: 'print machine-readable JSON on stdout instead of text' },
  'log-level': { type: 'string', valueName: 'LEVEL', description: 'fatal|error|warn|info|debug|trace|silent (default info, env TSI_LOG_LEVEL); debug also prints stack traces' },
  'log-format': { type: 'string', valueName: 'FORMAT', description: 'json|pretty (default: pretty on a TTY, json otherwise); logs go to stderr' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/**
 * `--opt -5` as `--opt=-5` for options that take a value: node's parser
 * takes a value starting with a dash for an option, so a negative number
 * would get a message about ambiguity instead of the option's own check.
 */
function joinNegativeValues(argv: readonly string[], options: Record<string, OptionSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && /^-\d/.test(argv[i + 1] ?? '')) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

export function parseCommandArgs(command: Command, argv: string[]): CommandArgs {
  const options = { ...COMMON_OPTIONS, ...command.options };
  const parsed = parseOrExplain(command, argv, options);
  rejectRepeatedValues(parsed.tokens, options);
  return { values: parsed.values as CommandArgs['values'], positionals: parsed.positionals };
}

function parseOrExplain(command: Command, argv: string[], options: Record<string, OptionSpec>) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options: Object.fromEntries(Object.entries(options).map(([k, { description: _d, valueName: _v, ...o }]) => [k, o])),
      allowPositionals: command.positionals !== undefined,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    // node's messages span lines; the CLI promises one line per error.
    const message = (error as Error).message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    throw new ParameterError('arguments', `${message} (see \`tsi-etl ${command.name} --help\`)`);
  }
}

/**
 * node keeps the last of `--schedule 1 --schedule 2`, so the command would
 * quietly act on schedule 2 alone: an option that takes one value may be
 * given one value (those declared `multiple` collect every value). The same
 * value again, or a flag given twice, means the same as once, so it is
 * accepted. The values are shown, but never those of --db, which may hold
 * a password.
 */
function rejectRepeatedValues(tokens: readonly { kind: string; name?: string; value?: string }[], options: Record<string, OptionSpec>): void {
  const given = new Map<string, string[]>();
  for (const t of tokens) {
    if (t.kind !== 'option' || t.value === undefined || options[t.name!]?.multiple) continue;
    given.set(t.name!, [...(given.get(t.name!) ?? []), t.value]);
  }
  for (const [name, values] of given) {
    if (new Set(values).size < 2) continue;
    const times = values.length === 2 ? 'twice' : `${values.length} times`;
    const shown = name === 'db' ? '' : ` (${values.map((v) => JSON.stringify(v)).join(', ')})`;
    throw new ParameterError(`--${name}`, `given ${times}${shown}; it takes one value`);
  }
}

export function commandHelp(command: Command): string {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const lines = [`tsi-etl ${command.name} ${command.usage}`.trimEnd(), '', command.summary];
  if (command.details) lines.push('', command.details);
  lines.push('', 'Options:');
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    return [flag, o.description];
  });
  const width = maxOf(rows.map(([f]) => f.length)) + 2;
  for (const [flag, description] of rows) lines.push(`  ${flag.padEnd(width)}${description}`);
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

/** A required positive integer id option, e.g. --schedule; anything else is rejected, never spliced. */
export function requiredId(args: CommandArgs, name: string): number {
  const raw = args.values[name];
  if (raw === undefined) throw new ParameterError(`--${name}`, 'is required');
  return parseId(String(raw), `--${name}`);
}

export function parseId(raw: string, parameter: string): number {
  if (!/^\d{1,15}$/.test(raw.trim()) || Number(raw) < 1) throw new ParameterError(parameter, `must be a positive integer id, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** An optional number option with a default; rejects text that is not a finite number. */
export function numberOption(args: CommandArgs, name: string, fallback: number, check: (n: number) => boolean = () => true, rule = 'must be a number'): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (String(raw).trim() === '' || !Number.isFinite(n) || !check(n)) throw new ParameterError(`--${name}`, `${rule}, got ${JSON.stringify(raw)}`);
  return n;
}

export function optionalNumber(args: CommandArgs, name: string): number | undefined {
  return args.values[name] === undefined ? undefined : numberOption(args, name, 0);
}

export const isPositiveInteger = (n: number) => Number.isInteger(n) && n > 0;

/** `--phases 1,2,3` → [1, 2, 3]. */
export function phasesOption(args: CommandArgs): (1 | 2 | 3)[] | undefined {
  const raw = args.values.phases;
  if (raw === undefined) return undefined;
  const phases = String(raw).split(',').map((p) => p.trim());
  if (phases.length === 0 || phases.some((p) => !['1', '2', '3'].includes(p))) {
    throw new ParameterError('--phases', `must be a comma-separated list of 1, 2, 3, got ${JSON.stringify(raw)}`);
  }
  return [...new Set(phases.map(Number) as (1 | 2 | 3)[])].sort();
}

/**
 * `--out FILE`, or undefined: checked before any work, so a file that cannot
 * be written fails at once, with the option named, not after minutes.
 */
export function outputFile(args: CommandArgs): string | undefined {
  if (args.values.out === undefined) return undefined;
  const file = String(args.values.out);
  if (file.trim() === '') throw new ParameterError('--out', 'must not be empty');
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ParameterError('--out', `the directory ${dirname(file)} does not exist: create it, or choose another --out`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new ParameterError('--out', `${file} is a directory: give a file name`);
  return file;
}

export function writeJson(ctx: CommandContext, value: unknown): void {
  ctx.out.write(JSON.stringify(value, null, 2) + '\n');
}
