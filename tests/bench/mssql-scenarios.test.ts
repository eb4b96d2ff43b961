import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/bench-results.js';
import { mssqlSection, runMssqlBench, type MssqlMeasurement } from '../../bench/mssql-scenarios.js';
import type { PopulateRunResult } from '../../bench/populate.bench.js';
import { evaluateTargets } from '../../bench/targets.js';

function populateRun(total: number, write: number, commit: number, peakRssMb: number) {
  const seconds = { read: 0.2, parse: 0.3, accumulate: 0.3, write, finish: 0, commit, total };
  return { result: { blocks: 10_000, periods: 0, jsonBytes: 0, rowsWritten: {}, seconds } satisfies PopulateRunResult, peakRssMb };
}

const MEASURED: MssqlMeasurement = {
  blocks: 10_000,
  days: 183,
  generate: [{ result: { scheduleId: 3, blocks: 10_000, jsonBytes: 0, seconds: 4.5 }, peakRssMb: 190 }],
  populate: [populateRun(2.4, 0.9, 0.3, 180), populateRun(2.6, 1.0, 0.3, 185), populateRun(2.5, 1.1, 0.3, 210)],
  insertOnly: [populateRun(11, 8.4, 0.2, 170)],
  phase3: [populateRun(1.5, 0.2, 0.9, 150), populateRun(1.6, 0.2, 1.1, 150), populateRun(1.4, 0.2, 1.2, 150)],
};

function results(partial: Partial<BenchResults>): BenchResults {
  return {
    mode: 'quick', machine: { cpu: 'x', cores: 2, totalMemoryGb: 1, node: 'v20', commit: null, dirty: null, date: '2025-01-01T00:00:00Z', loadAverage: 0 },
    fixtures: [], idleRssMb: 60, populate: [], naive: [], parse: [], reads: null, external: [], targets: [], seconds: 0,
    ...partial,
  };
}

describe('the SQL Server bench', () => {
  it('is skipped, saying why, without TSI_MSSQL_URL', async () => {
    const saved = process.env.TSI_MSSQL_URL;
    delete process.env.TSI_MSSQL_URL;
    const said: string[] = [];
    try {
      const r = await runMssqlBench(1, (m) => void said.push(m));
      expect(r).toEqual({ skipped: expect.stringContaining('TSI_MSSQL_URL is not set') });
      expect(said).toEqual([expect.stringMatching(/^SQL Server scenarios skipped: TSI_MSSQL_URL is not set/)]);
      expect(mssqlSection(r, 1)).toContain('Skipped: TSI_MSSQL_URL is not set');
      expect(evaluateTargets(results({ mssql: r }))).toEqual([]);
    } finally {
      if (saved !== undefined) process.env.TSI_MSSQL_URL = saved;
    }
  });

  it('reports the medians, the INSERT/bulk ratio of the time spent sending rows, and the ratio to SQLite', () => {
    const text = mssqlSection(MEASURED, 1.0);
    expect(text).toContain('| populate W10k, all phases (bulk loads) | 2.50 (2.40–2.60) | 185 (180–210) |');
    expect(text).toContain('INSERTs 8.60 s vs bulk 1.30 s, 6.62×');
    expect(text).toContain('|   its write + commit (the Phase 3 write) | 1.30 (1.10–1.40) |  |');
    expect(text).toContain('SQL Server vs SQLite, W10k all phases: 2.50× (target ≤ 3×)');
  });

  it('decides issue 11 targets from the medians', () => {
    expect(evaluateTargets(results({ mssql: MEASURED }))).toEqual([
      { target: 'SQL Server W10k populate ≤ 3.0 s or ≤ 3× SQLite', measured: '2.50 s', met: true },
      { target: 'SQL Server Phase 3 write (write + commit of --phases 3) ≤ 1.2 s', measured: '1.30 s', met: false },
      { target: 'SQL Server populate W10k peak RSS ≤ 200 MB', measured: '185 MB', met: true },
      { target: 'SQL Server generate W10k peak RSS ≤ 200 MB', measured: '190 MB', met: true },
    ]);
  });
});
