import { compareKeys } from './compare-block.js';

/** One common key: its priority in A and B, and whether each schedules it. */
export interface CoverageInput {
  key: string;
  aPriority: number;
  bPriority: number;
  aScheduled: boolean;
  bScheduled: boolean;
}

export interface CoveragePoint {
  rank: number;
  key: string;
  cum_a: number;
  cum_b: number;
}

export interface CoverageFigures {
  coverage_final_a: number;
  coverage_final_b: number;
  coverage_lead_top10: number;
}

/** How many of the highest-priority common keys `coverage_lead_top10` looks at. */
const LEAD_TOP = 10;

/**
 * SEMANTICS "Cumulative priority coverage": the common keys by
 * `max(pA, pB)` descending, then key; at each rank the priority captured so
 * far by each schedule. The points are built only when `withCurve`.
 */
export function coverageCurve(common: CoverageInput[], withCurve: boolean): { figures: CoverageFigures; curve: CoveragePoint[] } {
  const sorted = [...common].sort((x, y) => Math.max(y.aPriority, y.bPriority) - Math.max(x.aPriority, x.bPriority) || compareKeys(x.key, y.key));
  const curve: CoveragePoint[] = [];
  let cumA = 0;
  let cumB = 0;
  let lead = 0;
  sorted.forEach((c, i) => {
    if (c.aScheduled) cumA += c.aPriority;
    if (c.bScheduled) cumB += c.bPriority;
    if (i + 1 === Math.min(LEAD_TOP, sorted.length)) lead = cumB - cumA;
    if (withCurve) curve.push({ rank: i + 1, key: c.key, cum_a: cumA, cum_b: cumB });
  });
  return { figures: { coverage_final_a: cumA, coverage_final_b: cumB, coverage_lead_top10: lead }, curve };
}
