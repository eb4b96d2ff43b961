import type { SourceBlockRow } from '../../sql/store.js';

/**
 * One block as the legacy path sees it: the five-table join, with the
 * visibility JSON parsed by plain `JSON.parse` into objects. This is the
 * shape of the original system and the reference every analytics read is
 * tested against; it is never used on the ETL's hot path.
 */
export interface LegacyPeriod {
  start: number;
  stop: number;
}

export interface LegacyBlock extends Omit<SourceBlockRow, 'visibilityJson'> {
  scheduleId: number;
  /** The valid periods (SEMANTICS "Bad input"), in the order of the JSON. */
  periods: LegacyPeriod[];
  /** True when the JSON was bad input (then `periods` is empty). */
  invalid: boolean;
}
