import { createHash } from 'node:crypto';

/**
 * The digest rule of `block_visibility_facts`, the one place it is written.
 *
 * A block's facts are served only while the block's JSON has the SHA-256
 * digest and the byte length they were stored with, both taken over the
 * bytes the database holds for `visibility_periods_json`: UTF-8 on SQLite
 * (TEXT), UTF-16LE on SQL Server (NVARCHAR, which is what
 * `HASHBYTES('SHA2_256', …)` and `DATALENGTH` see). Within one database the
 * rule is the same for writing and for comparing, so a fact never moves
 * between dialects (export/import re-parses).
 *
 * Cost, measured on a 9 KB block (W10k's size, Node 20): SHA-256 of the
 * bytes runs at ~0.75 GB/s, about a quarter of the time JSON.parse takes;
 * W10k's 91 MB digest in ~0.1 s (SHA-NI; faster than SHA-512, BLAKE2b, MD5
 * or SHA-1 here). Hashing a JS string costs more (it is encoded first),
 * which is why SQLite reads the column as a BLOB and hands the digest on.
 */
export type JsonDigestEncoding = 'utf8' | 'utf16le';

/** What a fact is keyed by besides the block id. */
export interface JsonDigest {
  digest: Buffer;
  /** Bytes of the stored text. */
  length: number;
}

/** SHA-256 of the JSON's stored bytes. */
export function jsonBytesDigest(bytes: Uint8Array): JsonDigest {
  return { digest: createHash('sha256').update(bytes).digest(), length: bytes.length };
}

/** The digest of a JSON text as the database stores it in `encoding`. */
export function jsonTextDigest(text: string, encoding: JsonDigestEncoding): JsonDigest {
  return jsonBytesDigest(Buffer.from(text, encoding));
}

/** A block's stored facts, as the source hands them over when its JSON is unchanged. */
export interface StoredVisibilityFacts {
  periodCount: number;
  unionHours: number;
  rangeCount: number;
  /** The merged minute ranges in the `minute-range-codec` blob format. */
  minuteRanges: Uint8Array;
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
    minuteRanges: row.factsMinuteRanges as Uint8Array,
  };
}
