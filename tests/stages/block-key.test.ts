import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockKey } from '../../stages/core/block-key.js';

describe('blockKey', () => {
  it('is the trimmed original id when that is non-empty', () => {
    expect(blockKey('OB-7', 12)).toBe('OB-7');
    expect(blockKey('  OB-7 \t\n', 12)).toBe('OB-7');
    expect(blockKey(' a b ', 12)).toBe('a b');
  });

  it('falls back to the decimal block id for null, empty or whitespace-only ids', () => {
    expect(blockKey(null, 12)).toBe('12');
    expect(blockKey('', 12)).toBe('12');
    expect(blockKey(' \t\n ', 12)).toBe('12');
    // SQL Server returns BIGINT as a string
    expect(blockKey(null, '9007199254740993')).toBe('9007199254740993');
  });

  it('is never empty and never has surrounding whitespace', () => {
    fc.assert(fc.property(fc.option(fc.string(), { nil: null }), fc.nat(), (original, id) => {
      const key = blockKey(original, id);
      expect(key.length).toBeGreaterThan(0);
      expect(key).toBe(key.trim());
      expect(key === String(id) || key === original?.trim()).toBe(true);
    }));
  });
});
