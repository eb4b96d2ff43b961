import { describe, expect, it } from 'vitest';
import { maxOf, minOf } from '../../base/array-extent.js';

describe('maxOf / minOf', () => {
  it('give the extremes of any list, including negatives and one element', () => {
    expect(maxOf([3, -7, 12, 0])).toBe(12);
    expect(minOf([3, -7, 12, 0])).toBe(-7);
    expect(maxOf([-5])).toBe(-5);
    expect(minOf(new Float64Array([2.5, 1.5]))).toBe(1.5);
  });

  it('return the given value for an empty list', () => {
    expect(maxOf([], 1)).toBe(1);
    expect(minOf([], 0)).toBe(0);
    expect(maxOf([])).toBe(-Infinity);
  });

  it('handle a million values, where Math.max(...values) overflows the stack', () => {
    const values = Array.from({ length: 1_000_000 }, (_, i) => (i * 7919) % 1_000_003);
    expect(() => Math.max(...values)).toThrow(RangeError);
    expect(maxOf(values)).toBe(values.reduce((a, b) => (a > b ? a : b)));
    expect(minOf(values)).toBe(0);
  });
});
