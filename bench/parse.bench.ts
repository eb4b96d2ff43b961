/*
 * The parse stage alone on the REAL corpus: every visibility_periods_json of
 * the W10k fixture, read from its database as the driver hands it over
 * (flat strings), then parse-stage.bench.ts's variants side by side in one
 * process: per-row JSON.parse, stream-json's token parser, and ours
 * (scanVisibilityPeriods). They must agree on how many numbers they read.
 *
 * Fixture: W10k (10,000 blocks × 183 nights, seed 1).
 * Run: npm run bench (or `node dist/bench/parse-stage.bench.js` for the synthetic corpus).
 * Medians of 3 processes × 5 passes (2-core Intel Xeon VM shared with other jobs (load average ~7.6), Node 20.20.2, 2026-11-26), 90.8 MB corpus:
 *   JSON.parse per row 147 MB/s, stream-json 106 MB/s (0.63×), scanVisibilityPeriods 260 MB/s (1.61×).
 */
import { openStore } from '../sql/create-store.js';
import { measureParseStage, type ParseStageResult } from './parse-stage.bench.js';

export interface ParseRunArgs {
  path: string;
  scheduleId: number;
  /** Timed passes per variant inside this process; the median is kept. */
  repeats: number;
}

export interface ParseRunResult {
  texts: number;
  chars: number;
  variants: ParseStageResult[];
}

/** Reads the schedule's non-empty visibility texts, in block order. */
async function readCorpus(path: string, scheduleId: number): Promise<string[]> {
  const store = await openStore(path);
  try {
    const rows = await store.db
      .selectFrom('schedule_scheduling_blocks as ssb')
      .innerJoin('scheduling_blocks as sb', 'sb.scheduling_block_id', 'ssb.scheduling_block_id')
      .select('sb.visibility_periods_json as json')
      .where('ssb.schedule_id', '=', scheduleId)
      .orderBy('ssb.scheduling_block_id')
      .execute();
    // NULL and '' are "no periods" to the pipeline but not JSON to JSON.parse: out of the corpus.
    return rows.map((r) => r.json).filter((json): json is string => json !== null && json !== '');
  } finally {
    await store.close();
  }
}

/** Our parser's variant name in measureParseStage's results; its first variant is per-row JSON.parse. */
export const OUR_PARSER = 'scanVisibilityPeriods';

/**
 * Throughput of `variant` relative to per-row JSON.parse in one run.
 * @throws Error when the run has no such variant (parse-stage.bench.ts renamed it).
 */
export function parseRatio(result: ParseRunResult, variant: string): number {
  const v = result.variants.find((x) => x.name === variant);
  if (!v) throw new Error(`parse bench: no variant named ${variant} (have ${result.variants.map((x) => x.name).join(', ')})`);
  return v.mbPerSec / result.variants[0].mbPerSec;
}

/** Measures the three parsers on the fixture's corpus (`measureParseStage`, one warm-up pass each). */
export async function parseOnce(args: ParseRunArgs): Promise<ParseRunResult> {
  const corpus = await readCorpus(args.path, args.scheduleId);
  const chars = corpus.reduce((n, text) => n + text.length, 0);
  return { texts: corpus.length, chars, variants: measureParseStage(corpus, args.repeats) };
}
