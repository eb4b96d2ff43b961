import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { medianOfSorted } from '../../stages/core/sorted-median.js';

describe('medianOfSorted', () => {
  it('keeps the mean of two middle values inside them at both ends of the double range', () => {
    // Halving first rounded 13 ulps of subnormal to 12 (CI found it); summing first overflows.
    expect(medianOfSorted([6.4e-323, 6.4e-323])).toBe(6.4e-323);
    expect(medianOfSorted([Number.MAX_VALUE, Number.MAX_VALUE])).toBe(Number.MAX_VALUE);
    expect(medianOfSorted([-Number.MAX_VALUE, Number.MAX_VALUE])).toBe(0);
    expect(medianOfSorted(new Float64Array([1, 2, 10, 11]))).toBe(6);
  });

  it('lies between the two middle values for every sorted input', () => {
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 20 }), (values) => {
      const sorted = Float64Array.from(values).sort();
      const mid = sorted.length >> 1;
      const m = medianOfSorted(sorted);
      expect(m).toBeGreaterThanOrEqual(sorted[(sorted.length - 1) >> 1]);
      expect(m).toBeLessThanOrEqual(sorted[mid]);
    }), { numRuns: 2000 });
  });
});
