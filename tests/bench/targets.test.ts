import { describe, expect, it } from 'vitest';
import type { BenchResults, PopulateMeasurement } from '../../bench/bench-results.js';
import type { PopulateRunResult } from '../../bench/populate.bench.js';
import { evaluateTargets } from '../../bench/targets.js';

const STAGES = { read: 0, parse: 0, accumulate: 0, write: 0, finish: 0, commit: 0 };

function populate(fixture: string, variant: string, runs: [seconds: number, rssMb: number][]): PopulateMeasurement {
  return {
    fixture, blocks: 0, variant, phases: [],
    runs: runs.map(([total, peakRssMb]) => ({ result: { blocks: 0, periods: 0, jsonBytes: 0, rowsWritten: {}, seconds: { ...STAGES, total } } satisfies PopulateRunResult, peakRssMb })),
  };
}

function results(partial: Partial<BenchResults>): BenchResults {
  return {
    mode: 'full', machine: { cpu: 'x', cores: 2, totalMemoryGb: 1, node: 'v20', commit: null, dirty: null, date: '2025-01-01T00:00:00Z', loadAverage: 0 },
    fixtures: [], idleRssMb: 60, populate: [], naive: [], parse: [], reads: null, external: [], targets: [], seconds: 0,
    ...partial,
  };
}

describe('evaluateTargets', () => {
  it('decides each populate target from the medians', () => {
    const targets = evaluateTargets(results({
      populate: [
        populate('W10k', 'phase 1', [[0.9, 100], [1.2, 100], [0.8, 100]]), // median 0.9
        populate('W10k', 'phases 1+2', [[1.0, 110], [1.1, 110], [0.95, 110]]), // median 1.0: +11%
        populate('W10k', 'all phases', [[1.5, 150], [1.4, 160], [9.0, 170]]), // median 1.5, RSS 160
        populate('W100k', 'all phases', [[14, 201], [15, 210], [16, 205]]), // RSS 205: +28%
      ],
    }));
    expect(targets).toEqual([
      { target: 'W10k populate, all phases ≤ 1.5 s', measured: '1.50 s', met: true },
      { target: 'W10k populate, Phase 1 only < 1 s', measured: '0.90 s', met: true },
      { target: 'peak RSS ≤ 200 MB, W10k all phases', measured: '160 MB', met: true },
      { target: 'peak RSS ≤ 200 MB, W100k all phases', measured: '205 MB', met: false },
      { target: 'peak RSS grows ≤ 25% from W10k to W100k', measured: '28%', met: false },
      { target: 'Phase 2 adds < 15% to W10k populate', measured: '11%', met: true },
      { target: 'Phase 3 adds < 0.4 s to W10k populate', measured: '0.50 s', met: false },
    ]);
  });

  it('computes the baseline ratio from the W10k 15-minute comparison only', () => {
    const etl = populate('W10k', 'all phases', [[0.1, 100], [0.2, 100], [0.3, 100]]).runs;
    const naiveRun = (total: number) => ({ result: { seconds: { phase1: 0, phase2: 0, phase3: 0, total }, statements: 0, rowsWritten: {} }, peakRssMb: 1000 });
    const comparison = { blocks: 10_000, naive: [naiveRun(30), naiveRun(31), naiveRun(29)], etl, rowsCompared: {} };
    const targets = evaluateTargets(results({
      naive: [{ ...comparison, fixture: 'W2k', binSeconds: 60 }, { ...comparison, fixture: 'W10k', binSeconds: 900 }],
    }));
    expect(targets).toEqual([{ target: '≥ 150× faster than the naive baseline, W10k 15-min bins', measured: '150×', met: true }]);
  });

  it('leaves out what the run did not measure', () => {
    expect(evaluateTargets(results({}))).toEqual([]);
  });
});
