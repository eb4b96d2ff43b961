import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { factsKey, storedFacts } from '../../sql/visibility-facts.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the key rule of visibility facts', () => {
  // '😀' is a surrogate pair; placed so one straddles the 1 MiB chunk boundary.
  const texts = ['', '[{"start": 1, "stop": 2}]', 'é€😀', 'x'.repeat((1 << 20) - 1) + '😀' + 'y'.repeat(10), '😀'.repeat(600_000)];

  it('SQL Server: SHA-256 and length of the UTF-16LE bytes, digested in chunks, never splitting a surrogate pair', () => {
    for (const text of texts) {
      const bytes = Buffer.from(text, 'utf16le');
      const d = factsKey(text, 'sha256-utf16le');
      expect([d.digest.toString('hex'), d.length]).toEqual([sha256(bytes), bytes.length]);
    }
  });

  it('SQLite: no digest (the triggers keep facts current), the UTF-8 length', () => {
    for (const text of texts) expect(factsKey(text, 'triggers')).toEqual({ digest: Buffer.alloc(0), length: Buffer.byteLength(text, 'utf8') });
  });

  it('reads stored facts only when the join found them', () => {
    expect(storedFacts({ factsPeriodCount: null, factsUnionHours: null, factsRangeCount: null, factsMinuteRanges: null })).toBeNull();
    const ranges = Uint8Array.of(2, 3);
    expect(storedFacts({ factsPeriodCount: 0, factsUnionHours: 0, factsRangeCount: 1, factsMinuteRanges: ranges })).toEqual({ periodCount: 0, unionHours: 0, rangeCount: 1, minuteRanges: ranges });
  });
});
