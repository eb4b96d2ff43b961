import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spread } from '../../bench/stats.js';

describe('spread', () => {
  it('gives the middle value of an odd count and the mean of the two middle values of an even count', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(spread([4, 1, 10, 2])).toEqual({ median: 3, min: 1, max: 10, n: 4 });
    expect(spread([7])).toEqual({ median: 7, min: 7, max: 7, n: 1 });
  });

  it('counts -0 as 0, so the result does not depend on the order of 0 and -0', () => {
    expect(spread([-0, 0])).toEqual({ median: 0, min: 0, max: 0, n: 2 });
    expect(spread([0, -0])).toEqual(spread([-0, 0]));
  });

  it('refuses an empty list', () => {
    expect(() => spread([])).toThrow(RangeError);
  });

  it('has min ≤ median ≤ max, ignores input order and leaves the input alone', () => {
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 30 }), (values) => {
      const before = [...values];
      const s = spread(values);
      expect(values).toEqual(before);
      expect(s.min).toBeLessThanOrEqual(s.median);
      expect(s.median).toBeLessThanOrEqual(s.max);
      expect(spread([...values].reverse())).toEqual(s);
    }));
  });
});
