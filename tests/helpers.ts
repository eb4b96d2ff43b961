import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { SqliteStore } from '../sql/sqlite/sqlite-store.js';
import type { Store } from '../sql/store.js';
import { SourceTableWriter } from '../pipeline/source-table-writer.js';
import { BlockRowWriter } from '../pipeline/block-row-writer.js';

/** A fresh, migrated SQLite file per test; removed afterwards. */
export async function withStore<T>(fn: (store: SqliteStore, path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tsi-test-'));
  const path = join(dir, 'test.db');
  const store = new SqliteStore({ path, create: true });
  try {
    await store.migrate();
    return await fn(store, path);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One block of a hand-made schedule; everything but the JSON has a default. */
export interface HandBlock {
  json: string | null;
  priority?: number;
  ra?: number;
  dec?: number;
  requestedSec?: number;
  minObsSec?: number;
  scheduled?: [number | null, number | null];
  alt?: [number | null, number | null];
  az?: [number | null, number | null];
  /** Give the block a constraints row even without alt/az. */
  constraints?: boolean;
  /** scheduling_blocks.original_block_id (default null: the key is the block id). */
  originalId?: string | null;
}

let checksumCounter = 0;

/** Writes a hand-made schedule into the source tables; returns its id and block ids. */
export async function insertSchedule(store: Store, blocks: HandBlock[], name = 'hand-made'): Promise<{ scheduleId: number; blockIds: number[] }> {
  const tx = await store.beginSourceLoad();
  try {
    const scheduleId = await tx.createSchedule({ schedule_name: name, checksum: `test-${process.pid}-${++checksumCounter}-${Date.now()}`, dark_periods_json: null });
    const ids = await tx.nextSourceIds();
    const w = new SourceTableWriter(tx);
    const rows = new BlockRowWriter(w, scheduleId, ids);
    const blockIds = blocks.map((block, i) => rows.write({
      target: { name: `T${i}`, ra_deg: block.ra ?? 10 + i, dec_deg: block.dec ?? -20 + i, ra_pm_masyr: 0, dec_pm_masyr: 0, equinox: 2000 },
      altitude: block.alt ? { min_alt_deg: block.alt[0], max_alt_deg: block.alt[1] } : null,
      azimuth: block.az ? { min_az_deg: block.az[0], max_az_deg: block.az[1] } : null,
      constraintWindow: block.alt || block.az || block.constraints ? { start_time_mjd: null, stop_time_mjd: null } : null,
      original_block_id: block.originalId ?? null,
      priority: block.priority ?? 5,
      min_observation_sec: block.minObsSec ?? 600,
      requested_duration_sec: block.requestedSec ?? 3600,
      visibility_periods_json: block.json,
      scheduled_start_mjd: block.scheduled?.[0] ?? null,
      scheduled_stop_mjd: block.scheduled?.[1] ?? null,
    }));
    await w.flush();
    await tx.commit();
    return { scheduleId, blockIds };
  } catch (error) {
    await tx.rollback();
    throw error;
  }
}

/** `[{"start":…,"stop":…},…]` from pairs. */
export function periodsJson(pairs: [number, number][]): string {
  return JSON.stringify(pairs.map(([start, stop]) => ({ start, stop })));
}

/** Every row of an analytics table for a schedule, without the volatile columns, in a stable order. */
export async function tableRows(store: Store, table: string, scheduleId: number): Promise<Record<string, unknown>[]> {
  const rows = (await store.db.selectFrom(table as never).selectAll().where('schedule_id' as never, '=', scheduleId as never).execute()) as Record<string, unknown>[];
  for (const r of rows) {
    delete r.id;
    delete r.created_at;
    delete r.completed_at;
    delete r.duration_ms;
  }
  return rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

export const CLI = new URL('../dist/pipeline/cli.js', import.meta.url).pathname;

/** Runs the built CLI (npm test builds first) and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, TSI_LOG_LEVEL: 'warn', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Relative comparison for floats, per SEMANTICS (1e-9). */
export function close(a: number | null, b: number | null, rel = 1e-9): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
}

/** OS threads of this process (Linux): a worker thread that outlives its populate or backfill shows here. */
export function osThreads(): number {
  return Number(/^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
}
