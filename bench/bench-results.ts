/**
 * The shape of one bench run, as the runner collects it, the report prints
 * it and `bench/results/*.json` stores it: raw per-run measurements, never
 * only their summaries, so any statistic can be recomputed later.
 */
import type { ScenarioRun } from './child-process.js';
import type { Fixture } from './fixtures.js';
import type { MachineInfo } from './machine.js';
import type { MssqlBenchResults } from './mssql-scenarios.js';
import type { NaiveSummary } from './naive-baseline.js';
import type { ParseRunResult } from './parse.bench.js';
import type { PopulateRunResult } from './populate.bench.js';
import type { ReadMeasurement } from './reads.bench.js';
import { spread, type Spread } from './stats.js';

export type BenchMode = 'quick' | 'full';

/** A fixture as stored in the results (its temp path is meaningless afterwards). */
export type FixtureRecord = Omit<Fixture, 'path'>;

export interface PopulateMeasurement {
  fixture: string;
  blocks: number;
  variant: string;
  phases: number[];
  runs: ScenarioRun<PopulateRunResult>[];
}

export interface NaiveComparison {
  fixture: string;
  blocks: number;
  binSeconds: number;
  naive: ScenarioRun<NaiveSummary>[];
  etl: ScenarioRun<PopulateRunResult>[];
  /** Rows per table found equal between the two sides. */
  rowsCompared: Record<string, number>;
}

export interface ExternalMeasurement {
  name: string;
  /** What was called, e.g. `measureBackfill([1,2,4], 100, 1000)`. */
  call: string;
  run: ScenarioRun<unknown>;
}

export interface TargetResult {
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchResults {
  mode: BenchMode;
  machine: MachineInfo;
  fixtures: FixtureRecord[];
  /** Peak RSS of a child that loaded the bench code and did nothing: the floor under every RSS below. */
  idleRssMb: number;
  populate: PopulateMeasurement[];
  naive: NaiveComparison[];
  parse: ScenarioRun<ParseRunResult>[];
  reads: ScenarioRun<ReadMeasurement[]> | null;
  external: ExternalMeasurement[];
  /** The SQL Server scenarios (TSI_MSSQL_URL), or why they were skipped. */
  mssql?: MssqlBenchResults;
  targets: TargetResult[];
  /** Wall-clock seconds of the whole bench run, fixtures included. */
  seconds: number;
}

/** Seconds from begin to commit of populate runs. */
export const populateSeconds = (runs: ScenarioRun<PopulateRunResult>[]): Spread => spread(runs.map((r) => r.result.seconds.total));

export const peakRss = (runs: ScenarioRun<unknown>[]): Spread => spread(runs.map((r) => r.peakRssMb));

export function findPopulate(results: BenchResults, fixture: string, variant: string): PopulateMeasurement | undefined {
  return results.populate.find((m) => m.fixture === fixture && m.variant === variant);
}
