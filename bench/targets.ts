/*
 * The issues' targets (A, B, C, F, and issue 11's SQL Server ones), evaluated from one run's medians. They
 * are goals reported next to the numbers, never test assertions. A target
 * whose measurement is not part of this run (W100k or the W10k baseline in
 * a quick run) is left out rather than guessed.
 */
import { findPopulate, peakRss, populateSeconds, type BenchResults, type TargetResult } from './bench-results.js';
import { num, ratioCell } from './markdown.js';
import { MSSQL_CHECKS } from './mssql-scenarios.js';
import { OUR_PARSER, parseRatio } from './parse.bench.js';
import { spread } from './stats.js';

type Check = (r: BenchResults) => TargetResult | undefined;

const seconds = (s: number) => `${num(s, 2)} s`;
const mb = (v: number) => `${num(v, 0)} MB`;

function populateTime(fixture: string, variant: string, limit: number, label: string): Check {
  return (r) => {
    const m = findPopulate(r, fixture, variant);
    if (!m) return undefined;
    const t = populateSeconds(m.runs).median;
    return { target: label, measured: seconds(t), met: t <= limit };
  };
}

function populateRss(fixture: string, limitMb: number): Check {
  return (r) => {
    const m = findPopulate(r, fixture, 'all phases');
    if (!m) return undefined;
    const rss = peakRss(m.runs).median;
    return { target: `peak RSS ≤ ${limitMb} MB, ${fixture} all phases`, measured: mb(rss), met: rss <= limitMb };
  };
}

const CHECKS: readonly Check[] = [
  populateTime('W10k', 'all phases', 1.5, 'W10k populate, all phases ≤ 1.5 s'),
  populateTime('W10k', 'phase 1', 1.0, 'W10k populate, Phase 1 only < 1 s'),
  (r) => {
    const c = r.naive.find((n) => n.fixture === 'W10k' && n.binSeconds === 900);
    if (!c) return undefined;
    const ratio = spread(c.naive.map((x) => x.result.seconds.total)).median / populateSeconds(c.etl).median;
    return { target: '≥ 150× faster than the naive baseline, W10k 15-min bins', measured: ratioCell(ratio), met: ratio >= 150 };
  },
  populateRss('W10k', 200),
  populateRss('W100k', 200),
  (r) => {
    const small = findPopulate(r, 'W10k', 'all phases');
    const large = findPopulate(r, 'W100k', 'all phases');
    if (!small || !large) return undefined;
    const growth = peakRss(large.runs).median / peakRss(small.runs).median - 1;
    return { target: 'peak RSS grows ≤ 25% from W10k to W100k', measured: `${num(growth * 100, 0)}%`, met: growth <= 0.25 };
  },
  (r) => {
    const p1 = findPopulate(r, 'W10k', 'phase 1');
    const p12 = findPopulate(r, 'W10k', 'phases 1+2');
    if (!p1 || !p12) return undefined;
    const added = populateSeconds(p12.runs).median / populateSeconds(p1.runs).median - 1;
    return { target: 'Phase 2 adds < 15% to W10k populate', measured: `${num(added * 100, 0)}%`, met: added < 0.15 };
  },
  (r) => {
    const p12 = findPopulate(r, 'W10k', 'phases 1+2');
    const all = findPopulate(r, 'W10k', 'all phases');
    if (!p12 || !all) return undefined;
    const added = populateSeconds(all.runs).median - populateSeconds(p12.runs).median;
    return { target: 'Phase 3 adds < 0.4 s to W10k populate', measured: seconds(added), met: added < 0.4 };
  },
  (r) => {
    if (r.parse.length === 0) return undefined;
    const ratio = spread(r.parse.map((p) => parseRatio(p.result, OUR_PARSER))).median;
    return { target: 'parse stage ≥ per-row JSON.parse (W10k corpus)', measured: ratioCell(ratio), met: ratio >= 1 };
  },
  ...['histogram, whole range, 60-min bins', 'histogram, one night, 1-min bins'].map((name): Check => (r) => {
    const m = r.reads?.result.find((x) => x.name === name);
    if (!m) return undefined;
    const ratio = spread(m.legacyMs).median / spread(m.analyticsMs).median;
    return { target: `${name}: ≥ 30× legacy, identical counts`, measured: `${ratioCell(ratio)}, identical`, met: ratio >= 30 };
  }),
  ...MSSQL_CHECKS,
];

/** Every target this run can decide, in a fixed order. */
export function evaluateTargets(results: BenchResults): TargetResult[] {
  return CHECKS.map((check) => check(results)).filter((t): t is TargetResult => t !== undefined);
}
