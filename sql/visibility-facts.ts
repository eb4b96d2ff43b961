import { TsiError } from '../base/errors.js';

/**
 * The key rule of `block_visibility_facts`, the one place it is written:
 * how a populate knows that a block's stored facts were computed from the
 * block's current JSON, so it can serve them without parsing.
 *
 * - `server-sha256` (SQL Server): a fact is stored with the SHA-256 digest
 *   and byte length of its JSON as the server computes them
 *   (`HASHBYTES('SHA2_256', …)` and `DATALENGTH`, sent with the JSON to
 *   parse), and served only while the source query finds both equal on the
 *   server, so the JSON of a reused block never crosses the network. Both
 *   sides come from one server, whatever bytes it hashes for an NVARCHAR
 *   (SQL Server: UTF-16LE; Babelfish has hashed its UTF-8). Serving a wrong
 *   fact would need two texts of one block with the same length and digest.
 * - `triggers` (SQLite): no digest. The triggers of migration 007 delete a
 *   block's facts in the very statement that changes its JSON or its id or
 *   deletes it, so a stored fact always belongs to the block's current JSON
 *   and the source reads no JSON for a block that has facts. `json_digest`
 *   holds a zero-length blob; `json_length` the UTF-8 byte length, which the
 *   source still compares (read from migration 009's index) as a cheap guard.
 *   A populate refuses to reuse (and parses everything) when a trigger is
 *   missing, and `migrate` re-creates it, dropping every fact.
 *
 * A fact never moves between databases (export/import re-parses).
 */
export type FactsKeyRule = 'server-sha256' | 'triggers';

/** What a fact is keyed by besides the block id. */
export interface JsonDigest {
  /** SHA-256 of the stored bytes; zero-length under the `triggers` rule. */
  digest: Buffer;
  /** Bytes of the stored text. */
  length: number;
}

const NO_DIGEST = Buffer.alloc(0);

/**
 * The key of a JSON text's facts under `rule`: under `triggers` its UTF-8
 * length, under `server-sha256` the key the server sent with it.
 */
export function factsKey(text: string, serverKey: JsonDigest | undefined, rule: FactsKeyRule): JsonDigest {
  if (rule === 'triggers') return { digest: NO_DIGEST, length: Buffer.byteLength(text, 'utf8') };
  if (serverKey === undefined) throw new TsiError('the source sent visibility JSON without the digest its facts are stored with (a bug: please report it)');
  return serverKey;
}

/** A block's stored facts, as the source hands them over when its JSON is unchanged. */
export interface StoredVisibilityFacts {
  periodCount: number;
  unionHours: number;
  rangeCount: number;
  /** The merged minute ranges in the `minute-range-codec` blob format; null when the source was asked not to read them. */
  minuteRanges: Uint8Array | null;
}

/** The facts columns the source queries add (null when the block has no matching facts). */
export interface FactsColumns {
  factsPeriodCount: number | null;
  factsUnionHours: number | null;
  factsRangeCount: number | null;
  factsMinuteRanges: Uint8Array | null;
}

/** The facts of a source row whose stored facts matched, else null. */
export function storedFacts(row: FactsColumns): StoredVisibilityFacts | null {
  if (row.factsPeriodCount === null || row.factsPeriodCount === undefined) return null;
  return {
    periodCount: row.factsPeriodCount,
    unionHours: row.factsUnionHours as number,
    rangeCount: row.factsRangeCount as number,
    minuteRanges: row.factsMinuteRanges,
  };
}
