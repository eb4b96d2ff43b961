import { spawn } from 'node:child_process';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import type { Store } from '../../sql/store.js';
import { ALL_PHASES, ANALYTICS_RUNS, PHASE_TABLES } from '../../sql/table-specs.js';
import { CLI, tableRows, withStore } from '../helpers.js';

/** Shared by the backfill and delete-analytics tests. */
export const ANALYTICS_TABLES = [...ALL_PHASES.flatMap((p) => PHASE_TABLES[p].map((t) => t.name)), ANALYTICS_RUNS.name];
export const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** `n` generated schedules, seeds 1..n, so ids are 1..n in every fresh database. */
export async function loadSchedules(store: Store, n: number, blocks = 30, days = 5): Promise<void> {
  for (const seed of range(n)) await loadGeneratedSchedule(store, { blocks, days, seed });
}

/** Every analytics row of the given schedules, table by table. */
export async function analytics(store: Store, ids: number[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const table of ANALYTICS_TABLES) out[table] = await Promise.all(ids.map((id) => tableRows(store, table, id)));
  return out;
}

const references = new Map<string, Promise<Record<string, unknown>>>();

/** The analytics a plain populate of each schedule gives: what every backfill must reproduce (computed once per dataset). */
export function referenceAnalytics(n: number, blocks?: number, days?: number): Promise<Record<string, unknown>> {
  const key = `${n}/${blocks}/${days}`;
  if (!references.has(key)) {
    references.set(key, withStore(async (store) => {
      await loadSchedules(store, n, blocks, days);
      for (const id of range(n)) await populateSchedule(store, id);
      return analytics(store, range(n));
    }));
  }
  return references.get(key)!;
}

export async function runCount(store: Store): Promise<number> {
  const row = await store.db.selectFrom('schedule_analytics_runs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface Exit { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** The built CLI as a child process, without waiting for it. */
export function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, TSI_LOG_LEVEL: 'warn', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}
