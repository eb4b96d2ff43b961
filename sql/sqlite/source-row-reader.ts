import { TsiError } from '../../base/errors.js';
import type { SourceBlockRow } from '../store.js';

/*
 * The source query's rows as arrays (better-sqlite3's `raw` mode), turned
 * into SourceBlockRow objects here. better-sqlite3 builds a row object
 * through V8's API one named property at a time; one object literal of a
 * fixed shape is cheaper: reading W10k's rows took 71 instead of 79 ms, and
 * 38 instead of 50 ms with stored facts and no JSON; W100k 580 instead of
 * 700 ms, and 350 instead of 490.
 */

/** SourceBlockRow's fields in the order of `selectSourceBlocks`'s columns (sql/queries/source-blocks.ts). */
const BLOCK_COLUMNS = [
  'blockId', 'raDeg', 'decDeg', 'priority', 'requestedDurationSec', 'minObservationSec',
  'minAltDeg', 'maxAltDeg', 'minAzDeg', 'maxAzDeg', 'scheduledStartMjd', 'scheduledStopMjd',
] as const;

/** The columns of `selectSourceBlocks`, then those `selectSourceBlocksWithFactsSqlite` adds before the JSON. */
const PLAIN_COLUMNS = [...BLOCK_COLUMNS, 'visibilityJson'];
const FACTS_COLUMNS = [...BLOCK_COLUMNS, 'factsPeriodCount', 'factsUnionHours', 'factsRangeCount', 'factsMinuteRanges', 'visibilityJson'];

type RawRow = unknown[];

/** A row's block columns (the first 12) and its JSON. */
function blockRow(r: RawRow, visibilityJson: string | null): SourceBlockRow {
  return {
    blockId: r[0] as number,
    raDeg: r[1] as number,
    decDeg: r[2] as number,
    priority: r[3] as number,
    requestedDurationSec: r[4] as number,
    minObservationSec: r[5] as number,
    minAltDeg: r[6] as number | null,
    maxAltDeg: r[7] as number | null,
    minAzDeg: r[8] as number | null,
    maxAzDeg: r[9] as number | null,
    scheduledStartMjd: r[10] as number | null,
    scheduledStopMjd: r[11] as number | null,
    visibilityJson,
  };
}

function plainRow(r: RawRow): SourceBlockRow {
  return blockRow(r, r[12] as string | null);
}

/** A row with the stored facts that joined (its JSON is then not read), or `reused: null`. */
function factsRow(r: RawRow): SourceBlockRow {
  const row = blockRow(r, r[16] as string | null);
  row.reused = r[12] === null ? null : {
    periodCount: r[12] as number,
    unionHours: r[13] as number,
    rangeCount: r[14] as number,
    minuteRanges: r[15] as Uint8Array | null,
  };
  return row;
}

/**
 * The function that turns a raw row of the source query with `columns`
 * (its result column names, in order) into a SourceBlockRow.
 * @throws TsiError when the columns are not those of the plain or the facts query.
 */
export function sourceRowReader(columns: readonly string[], withFacts: boolean): (raw: RawRow) => SourceBlockRow {
  const expected = withFacts ? FACTS_COLUMNS : PLAIN_COLUMNS;
  if (columns.length !== expected.length || columns.some((c, i) => c !== expected[i])) {
    throw new TsiError(`the source query returned the columns ${columns.join(', ')}, not ${expected.join(', ')} (a bug: please report it)`);
  }
  return withFacts ? factsRow : plainRow;
}
