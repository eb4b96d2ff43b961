import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { SqliteStore } from '../sql/sqlite/sqlite-store.js';
import type { Store } from '../sql/store.js';
import { SourceTableWriter } from '../pipeline/load-schedule.js';

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
}

let checksumCounter = 0;

/** Writes a hand-made schedule into the source tables; returns its id and block ids. */
export async function insertSchedule(store: Store, blocks: HandBlock[], name = 'hand-made'): Promise<{ scheduleId: number; blockIds: number[] }> {
  const tx = await store.beginSourceLoad();
  try {
    const scheduleId = await tx.createSchedule({ schedule_name: name, checksum: `test-${process.pid}-${++checksumCounter}-${Date.now()}`, dark_periods_json: null });
    const ids = await tx.nextSourceIds();
    const w = new SourceTableWriter(tx);
    const b = w.batchers;
    const blockIds: number[] = [];
    blocks.forEach((block, i) => {
      const targetId = ids.target_id + i;
      const blockId = ids.scheduling_block_id + i;
      blockIds.push(blockId);
      b.targets.values.push(targetId, `T${i}`, block.ra ?? 10 + i, block.dec ?? -20 + i, 0, 0, 2000);
      b.targets.endRow();
      let constraintsId: number | null = null;
      if (block.alt || block.az || block.constraints) {
        constraintsId = ids.constraints_id + i;
        const altId = block.alt ? ids.altitude_constraints_id + i : null;
        const azId = block.az ? ids.azimuth_constraints_id + i : null;
        if (block.alt) {
          b.altitude_constraints.values.push(altId, block.alt[0], block.alt[1]);
          b.altitude_constraints.endRow();
        }
        if (block.az) {
          b.azimuth_constraints.values.push(azId, block.az[0], block.az[1]);
          b.azimuth_constraints.endRow();
        }
        b.constraints.values.push(constraintsId, null, null, altId, azId);
        b.constraints.endRow();
      }
      b.scheduling_blocks.values.push(blockId, targetId, constraintsId, block.priority ?? 5, block.minObsSec ?? 600, block.requestedSec ?? 3600, block.json);
      b.scheduling_blocks.endRow();
      b.schedule_scheduling_blocks.values.push(scheduleId, blockId, block.scheduled?.[0] ?? null, block.scheduled?.[1] ?? null);
      b.schedule_scheduling_blocks.endRow();
    });
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
