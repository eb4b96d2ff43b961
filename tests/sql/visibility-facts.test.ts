import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsonBytesDigest, jsonTextDigest, storedFacts } from '../../sql/visibility-facts.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the digest rule of visibility facts', () => {
  it('digests a text as the bytes the database stores, in chunks, never splitting a surrogate pair', () => {
    // '😀' is a surrogate pair; placed so one straddles the 1 MiB chunk boundary.
    const texts = ['', '[{"start": 1, "stop": 2}]', 'é€😀', 'x'.repeat((1 << 20) - 1) + '😀' + 'y'.repeat(10), '😀'.repeat(600_000)];
    for (const text of texts) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        const bytes = Buffer.from(text, encoding);
        const d = jsonTextDigest(text, encoding);
        expect([d.digest.toString('hex'), d.length]).toEqual([sha256(bytes), bytes.length]);
        expect(jsonBytesDigest(bytes).digest.equals(d.digest)).toBe(true);
      }
    }
  });

  it('reads stored facts only when the join found them', () => {
    expect(storedFacts({ factsPeriodCount: null, factsUnionHours: null, factsRangeCount: null, factsMinuteRanges: null })).toBeNull();
    const ranges = Uint8Array.of(2, 3);
    expect(storedFacts({ factsPeriodCount: 0, factsUnionHours: 0, factsRangeCount: 1, factsMinuteRanges: ranges })).toEqual({ periodCount: 0, unionHours: 0, rangeCount: 1, minuteRanges: ranges });
  });
});
