import { spawnSync } from 'node:child_process';
import { CLI } from '../../helpers.js';

/** util-linux `script` gives a child a pseudo-terminal; without it, terminal-only behaviour goes untested (and says so). */
export const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs the built CLI on a pseudo-terminal, stdout and stderr merged; NO_COLOR/FORCE_COLOR only as given. */
export function runOnTty(args: string[], env: Record<string, string> = {}): string {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...rest } = process.env;
  return spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...rest, TSI_LOG_LEVEL: 'info', ...env } }).stdout;
}
