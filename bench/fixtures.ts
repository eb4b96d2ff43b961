/*
 * Benchmark databases: generated once per bench run into a temp directory,
 * then copied per scenario run so every run starts from the same file.
 * Generation and copying are never inside a measurement.
 */
import { constants, copyFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadGeneratedSchedule, type LoadSummary } from '../pipeline/load-schedule.js';
import { openStore } from '../sql/create-store.js';

/** A generated schedule the bench runs on. */
export interface FixtureSpec {
  name: string;
  blocks: number;
  days: number;
  seed: number;
}

/** A fixture database on disk, with the single schedule it holds. */
export interface Fixture extends FixtureSpec {
  path: string;
  scheduleId: number;
  /** Characters of visibility JSON in the schedule (ASCII, so bytes). */
  jsonBytes: number;
  /** Size of the database file in bytes. */
  fileBytes: number;
}

/** The fixtures by name: W10k is the project's reference workload (10,000 blocks × 183 nights, seed 1). */
export const FIXTURE_SPECS = {
  W2k: { name: 'W2k', blocks: 2_000, days: 183, seed: 1 },
  W10k: { name: 'W10k', blocks: 10_000, days: 183, seed: 1 },
  W30k: { name: 'W30k', blocks: 30_000, days: 183, seed: 1 },
  W100k: { name: 'W100k', blocks: 100_000, days: 183, seed: 1 },
} as const satisfies Record<string, FixtureSpec>;

export type FixtureName = keyof typeof FIXTURE_SPECS;

/** Removes a SQLite database file and its WAL companions. */
export function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

/**
 * Generates one fixture database in `dir` (migrate, then `loadGeneratedSchedule`),
 * then checkpoints the WAL into the main file, so the file alone is the
 * whole database (it can be copied) and no populate pays for that checkpoint.
 */
export async function buildFixture(dir: string, spec: FixtureSpec): Promise<Fixture> {
  const path = join(dir, `${spec.name}.db`);
  removeDatabase(path);
  const store = await openStore(path, { create: true });
  let loaded: LoadSummary;
  try {
    await store.migrate();
    loaded = await loadGeneratedSchedule(store, { blocks: spec.blocks, days: spec.days, seed: spec.seed });
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
  } finally {
    await store.close();
  }
  if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0) {
    throw new Error(`fixture ${spec.name}: the WAL still holds pages after the checkpoint, a copy of the file would be incomplete`);
  }
  return { ...spec, path, scheduleId: loaded.scheduleId, jsonBytes: loaded.jsonBytes, fileBytes: statSync(path).size };
}

/** Builds each named fixture once, in order, returning them by name. */
export async function buildFixtures(dir: string, names: readonly FixtureName[]): Promise<Map<FixtureName, Fixture>> {
  const built = new Map<FixtureName, Fixture>();
  for (const name of names) built.set(name, await buildFixture(dir, FIXTURE_SPECS[name]));
  return built;
}

/**
 * Copies a fixture's database to `dest` (replacing whatever was there), as a
 * reflink where the filesystem supports it, and returns `dest`.
 */
export function copyFixture(fixture: Fixture, dest: string): string {
  removeDatabase(dest);
  copyFileSync(fixture.path, dest, constants.COPYFILE_FICLONE);
  return dest;
}
