import { describe, expect, it } from 'vitest';
import { factsKey, storedFacts } from '../../sql/visibility-facts.js';

describe('the key rule of visibility facts', () => {
  const texts = ['', '[{"start": 1, "stop": 2}]', 'é€😀', '😀'.repeat(600_000)];

  it('SQL Server: the digest and length the server sent with the JSON, whatever the text', () => {
    const key = { digest: Buffer.alloc(32, 7), length: 12 };
    for (const text of texts) expect(factsKey(text, key, 'server-sha256')).toBe(key);
    expect(() => factsKey('[]', undefined, 'server-sha256')).toThrow('without the digest its facts are stored with');
  });

  it('SQLite: no digest (the triggers keep facts current), the UTF-8 length', () => {
    for (const text of texts) expect(factsKey(text, undefined, 'triggers')).toEqual({ digest: Buffer.alloc(0), length: Buffer.byteLength(text, 'utf8') });
  });

  it('reads stored facts only when the join found them', () => {
    expect(storedFacts({ factsPeriodCount: null, factsUnionHours: null, factsRangeCount: null, factsMinuteRanges: null })).toBeNull();
    const ranges = Uint8Array.of(2, 3);
    expect(storedFacts({ factsPeriodCount: 0, factsUnionHours: 0, factsRangeCount: 1, factsMinuteRanges: ranges })).toEqual({ periodCount: 0, unionHours: 0, rangeCount: 1, minuteRanges: ranges });
  });
});
