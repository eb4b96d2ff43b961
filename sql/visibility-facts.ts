import { createHash } from 'node:crypto';

/**
 * The digest rule of `block_visibility_facts`, the one place it is written.
 *
 * A block's facts are served only while the block's JSON has the SHA-256
 * digest and the byte length they were stored with, both taken over the
 * bytes the database holds for `visibility_periods_json`: UTF-8 on SQLite
 * (TEXT); on SQL Server what `HASHBYTES('SHA2_256', …)` and `DATALENGTH`
 * give, computed by the server both when a fact is stored (the source sends
 * them with the JSON to parse) and when it is compared. Within one database
 * the rule is the same for writing and for comparing, so a fact never moves
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

/** Characters encoded at a time by jsonTextDigest: a 50 MB value is never copied whole. */
const TEXT_DIGEST_CHUNK = 1 << 20;

/** The digest of a JSON text as the database stores it in `encoding`, encoded a chunk at a time. */
export function jsonTextDigest(text: string, encoding: JsonDigestEncoding): JsonDigest {
  const hash = createHash('sha256');
  let length = 0;
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + TEXT_DIGEST_CHUNK);
    // Never split a surrogate pair: its halves alone would encode as U+FFFD in UTF-8.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    const part = text.slice(at, end);
    hash.update(part, encoding);
    length += Buffer.byteLength(part, encoding);
    at = end;
  }
  return { digest: hash.digest(), length };
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
