import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ScenarioMessage, ScenarioName } from './scenario.js';

const SCENARIO_ENTRY = fileURLToPath(new URL('./scenario.js', import.meta.url));

/** One scenario run: its result and the child's peak RSS in MB. */
export interface ScenarioRun<T> {
  result: T;
  peakRssMb: number;
}

/**
 * Runs one scenario in a fresh Node process (`scenario.js <name> <json-args>`)
 * and resolves with what it sent back. The child's stdout goes to this
 * process's stderr, so stdout carries only the report.
 * @param nodeOptions flags for the child's Node (default none: no inherited --inspect or heap flags).
 * @throws Error with the child's stack when it failed, or its exit code/signal when it died without a word.
 */
export function runScenario<T>(name: ScenarioName, args: unknown, nodeOptions: readonly string[] = []): Promise<ScenarioRun<T>> {
  return new Promise((resolve, reject) => {
    const child = fork(SCENARIO_ENTRY, [name, JSON.stringify(args)], { execArgv: [...nodeOptions], stdio: ['ignore', 2, 2, 'ipc'] });
    let message: ScenarioMessage | undefined;
    child.on('message', (m) => (message = m as ScenarioMessage));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (message?.ok) resolve({ result: message.result as T, peakRssMb: message.peakRssMb });
      else reject(new Error(`scenario ${name} failed: ${message ? message.error : `the process ended (${signal ?? `exit code ${code}`}) without a result`}`));
    });
  });
}
