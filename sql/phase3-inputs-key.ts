import { createHash, type Hash } from 'node:crypto';

/**
 * The key of what a schedule's Phase 3 rows (minute bins, their metadata,
 * the per-block minute ranges) are computed from, for the run record's
 * `phase3_inputs_key`: a populate whose source has the key of the previous
 * run leaves those rows in place and reads no minute ranges.
 *
 * Phase 3 is a function of the time-bin width and, per block of the
 * schedule in block order, of its id, priority (buckets and their bounds
 * come from the priorities), scheduled flag and visibility JSON. The JSON
 * enters through the count of visibility JSON changes that SQLite's
 * triggers (migration 007) keep for the whole database: while it stands
 * still, no block's JSON changed. Invalid JSON counts as no visibility in
 * Phase 3, and a strict populate that meets it fails, so the strictness
 * needs no place in the key.
 *
 * SHA-256 over exact doubles: two different inputs with one key would need
 * a SHA-256 collision. `VERSION` changes whenever what Phase 3 computes
 * from these inputs changes, so no key of an older release matches.
 */
const VERSION = 'tsi-etl phase 3 inputs v1';

/** Blocks hashed per update: 3 doubles each. */
const ROWS_PER_UPDATE = 4096;

export class Phase3InputsKey {
  readonly #hash: Hash;
  readonly #rows = new Float64Array(3 * ROWS_PER_UPDATE);
  #filled = 0;

  constructor(jsonChangeCount: number, binSeconds: number) {
    this.#hash = createHash('sha256').update(VERSION).update(new Float64Array([jsonChangeCount, binSeconds]));
  }

  /** The next block in block-id order. */
  add(blockId: number, priority: number, scheduled: boolean): void {
    const at = 3 * this.#filled;
    this.#rows[at] = blockId;
    this.#rows[at + 1] = priority;
    this.#rows[at + 2] = scheduled ? 1 : 0;
    if (++this.#filled === ROWS_PER_UPDATE) this.#drain();
  }

  digest(): Buffer {
    this.#drain();
    return this.#hash.digest();
  }

  #drain(): void {
    this.#hash.update(this.#rows.subarray(0, 3 * this.#filled));
    this.#filled = 0;
  }
}

/**
 * What a run record stores as `phase3_inputs_key`: the inputs key together
 * with how many rows of each Phase 3 table the run left, so a later populate
 * with the same inputs keeps the rows only while they are all there (a
 * table re-created by `migrate`, or rows deleted by hand, change a count).
 */
export function storedPhase3Key(inputsKey: Uint8Array, rows: { metadataRows: number; binRows: number; rangeRows: number }): Buffer {
  return createHash('sha256').update(inputsKey).update(new Float64Array([rows.metadataRows, rows.binRows, rows.rangeRows])).digest();
}
