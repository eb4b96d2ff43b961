#!/usr/bin/env node
import { defaultDbTarget } from '../sql/create-store.js';
import { commandHelp, parseCommandArgs, type Command } from './cli/command.js';
import { COMMANDS } from './cli/commands/index.js';
import { earlyExitCode } from './cli/exit-status.js';
import { TsiError } from '../base/errors.js';
import { createLogger, LOG_LEVELS, type LogFormat } from '../base/logger.js';
import { maxOf } from '../base/array-extent.js';

function mainHelp(): string {
  const width = maxOf(COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'tsi-etl — streaming ETL for telescope scheduling analytics (SQL Server or embedded SQLite)',
    '',
    'Usage: tsi-etl <command> [options]      tsi-etl <command> --help for its options',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Every command takes --db TARGET (default ./tsi.db), --json, --log-level LEVEL, --log-format json|pretty.',
    'Exit codes: 0 success, 1 failure (the message says what to do), 2 bad arguments.',
    '',
  ].join('\n');
}

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write('tsi-etl 0.1.0\n');
    return 0;
  }
  const command: Command | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`tsi-etl: unknown command ${JSON.stringify(name)} (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return 2;
  }
  let debug = false;
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      process.stdout.write(commandHelp(command));
      return 0;
    }
    // --log-level, else env TSI_LOG_LEVEL, checked alike so a typo in either is exit 2 with the same message.
    const [levelSource, level] = args.values['log-level'] !== undefined ? ['--log-level', String(args.values['log-level'])]
      : process.env.TSI_LOG_LEVEL ? ['TSI_LOG_LEVEL', process.env.TSI_LOG_LEVEL] : ['', undefined];
    if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
      process.stderr.write(`tsi-etl: ${levelSource}: must be one of ${LOG_LEVELS.join('|')}, got ${JSON.stringify(level)}\n`);
      return 2;
    }
    const format = args.values['log-format'] === undefined ? undefined : String(args.values['log-format']);
    if (format !== undefined && format !== 'json' && format !== 'pretty') {
      process.stderr.write(`tsi-etl: --log-format: must be json or pretty, got ${JSON.stringify(format)}\n`);
      return 2;
    }
    debug = level === 'debug' || level === 'trace';
    const log = createLogger({ level, format: format as LogFormat | undefined }).child({ command: command.name });
    const db = args.values.db === undefined ? defaultDbTarget() : String(args.values.db);
    return await command.run(args, { log, out: process.stdout, db, json: args.values.json === true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`tsi-etl ${command.name}: ${message}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(error.stack + '\n');
    return error instanceof TsiError ? error.exitCode : 1;
  }
}

// A reader that closed stdout (`tsi-etl histogram … | head -1`) ends the command
// quietly, as Unix tools do: no stack, exit 0, or 1 when the command had already
// found a failure (verify's drift). Writes are synchronous on pipes and files, so
// everything before the failed write was delivered.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(earlyExitCode());
  throw error;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
