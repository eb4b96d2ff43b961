/*
 * Parse stage: per-row JSON.parse vs stream-json's token parser vs our
 * visibility scanner, on the same corpus of visibility_periods_json texts.
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/parse-stage.bench.js
 * Fixture: syntheticCorpus(10_000, 180, 1), 10,000 blocks x 180 periods (91 MB).
 * Median MB/s, Node 20.20.2, 2-vCPU Intel Xeon VM shared with other jobs, 2026-11-26:
 * JSON.parse 207, stream-json 115 (0.55x), scanVisibilityPeriods 327 (1.58x).
 * On rope strings (JSON.stringify output not copied) the scanner drops to ~1.1x.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
// stream-chain is stream-json's own dependency; its `none` symbol is the parser's end-of-input marker.
import { none } from 'stream-chain/defs.js';
import { jsonParser } from 'stream-json/core/parser.js';
import { PeriodBuffer } from '../stages/core/period-buffer.js';
import { scanVisibilityPeriods } from '../stages/core/visibility-scanner.js';

export interface ParseStageResult {
  name: string;
  mbPerSec: number;
  medianMs: number;
}

interface Variant {
  name: string;
  /** Parses every text; returns how many numbers it read, so the work is observable. */
  run(corpus: string[]): number;
}

/** The parser flushes when called with `none`; its declared type only admits text. */
const END_OF_INPUT = none as unknown as string;

const variants: Variant[] = [
  {
    name: 'JSON.parse per row',
    run(corpus) {
      let numbers = 0;
      let sum = 0;
      for (const text of corpus) {
        const periods = JSON.parse(text) as { start: number; stop: number }[];
        for (const p of periods) sum += p.start + p.stop;
        numbers += periods.length * 2;
      }
      return sum === 0 ? -1 : numbers;
    },
  },
  {
    name: 'stream-json token parser',
    run(corpus) {
      let numbers = 0;
      for (const text of corpus) {
        // Packed values only, no streamed chunks: the fewest tokens the parser can emit.
        const parse = jsonParser({ packValues: true, streamValues: false });
        for (const result of [parse(text), parse(END_OF_INPUT)]) {
          if (typeof result === 'symbol') continue;
          for (const token of result.values) if (token.name === 'numberValue') numbers++;
        }
      }
      return numbers;
    },
  },
  {
    name: 'scanVisibilityPeriods',
    run(corpus) {
      const out = new PeriodBuffer();
      let numbers = 0;
      let sum = 0;
      for (const text of corpus) {
        const problem = scanVisibilityPeriods(text, out);
        if (problem !== null) throw new Error(problem);
        for (let k = 0; k < out.length; k++) sum += out.starts[k] + out.stops[k];
        numbers += out.length * 2;
      }
      return sum === 0 ? -1 : numbers;
    },
  },
];

/**
 * Times each parser variant over `corpus` after one warm-up pass. Passes are
 * interleaved (one of each variant per round), so load from other processes
 * hits every variant alike. Throws when the variants disagree on how many
 * numbers the corpus holds.
 *
 * @param repeats timed passes per variant; the median is reported. Default: 5.
 * @returns one row per variant; MB counts UTF-16 code units / 1e6 (the corpus is ASCII).
 */
export function measureParseStage(corpus: string[], repeats = 5): ParseStageResult[] {
  let chars = 0;
  for (const text of corpus) chars += text.length;
  const expected = variants[0].run(corpus);
  for (const { name, run } of variants) {
    if (run(corpus) !== expected) throw new Error(`${name} read a different number of values`);
  }
  const times = variants.map((): number[] => []);
  for (let r = 0; r < repeats; r++) {
    variants.forEach(({ run }, v) => {
      const t0 = performance.now();
      run(corpus);
      times[v].push(performance.now() - t0);
    });
  }
  return variants.map(({ name }, v) => {
    const sorted = times[v].sort((a, b) => a - b);
    const medianMs = sorted[sorted.length >> 1];
    return { name, mbPerSec: chars / 1e6 / (medianMs / 1000), medianMs };
  });
}

/** mulberry32: a tiny seeded PRNG, so the corpus is the same on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_MJD = 60676;
const DRIFT_DAYS_PER_DAY = 4 / 1440;
const roundTo10 = (mjd: number): number => Math.round(mjd * 1e10) / 1e10;

/**
 * Visibility JSON texts in the generator's exact format
 * (`JSON.stringify` of `{start, stop}` objects, MJD values with ~10 decimals):
 * one period a night from MJD 60676, drifting ~4 minutes a day, 1 to 8 hours long.
 */
export function syntheticCorpus(blocks: number, periodsPerBlock: number, seed: number): string[] {
  const random = seededRandom(seed);
  const corpus: string[] = [];
  for (let b = 0; b < blocks; b++) {
    const rise = random() * 0.5;
    const periods: { start: number; stop: number }[] = [];
    for (let d = 0; d < periodsPerBlock; d++) {
      const start = FIRST_MJD + d + rise + d * DRIFT_DAYS_PER_DAY + random() * 1e-3;
      const hours = 1 + random() * 7;
      periods.push({ start: roundTo10(start), stop: roundTo10(start + hours / 24) });
    }
    // Copied through a Buffer: JSON.stringify returns long output as a rope (cons string), on which
    // every charCodeAt pays an indirection (~2x slower scans here), whereas database drivers hand over
    // flat strings decoded from bytes, like this copy.
    corpus.push(Buffer.from(JSON.stringify(periods)).toString());
  }
  return corpus;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const corpus = syntheticCorpus(10_000, 180, 1);
  const results = measureParseStage(corpus);
  const baseline = results[0].mbPerSec;
  console.log('| variant | MB/s | median ms | vs JSON.parse |');
  console.log('|---|---:|---:|---:|');
  for (const { name, mbPerSec, medianMs } of results) {
    console.log(`| ${name} | ${mbPerSec.toFixed(0)} | ${medianMs.toFixed(0)} | ${(mbPerSec / baseline).toFixed(2)}x |`);
  }
}
