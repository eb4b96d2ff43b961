import { describe, expect, it } from 'vitest';
import { phasesCurrent, recordedFingerprint, runSources } from '../../sql/run-fingerprint.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe("a run record's fingerprint", () => {
  it('is the source\'s while every phase comes from it', () => {
    expect(recordedFingerprint(B, [1, 2, 3], [], null)).toBe(B);
    expect(recordedFingerprint(B, [1], [2, 3], B)).toBe(B);
    expect(runSources(B, [1, 2, 3])).toEqual({ fingerprint: B, current: [1, 2, 3] });
  });

  it('names the phases of the newest source when others are kept from an older one, and settles once they all are recomputed', () => {
    const mixed = recordedFingerprint(B, [1], [2, 3], A);
    expect(mixed).toBe(`mixed:1:${B}`);
    // Fits the comparison cache's NVARCHAR(64) token on SQL Server.
    expect(`mixed:1,2:${B}`.length).toBeLessThanOrEqual(64);
    expect(recordedFingerprint(B, [2], [1, 3], mixed)).toBe(`mixed:1,2:${B}`);
    expect(recordedFingerprint(B, [2, 3], [1], mixed)).toBe(B);
    // The source changed back to A: only the phase just computed is current; phase 1 (from B) is not.
    expect(recordedFingerprint(A, [2], [1, 3], mixed)).toBe(`mixed:2:${A}`);
    expect(runSources(`mixed:1,2:${B}`, [1, 3])).toEqual({ fingerprint: B, current: [1] });
  });

  it('tells whether the wanted phases are current', () => {
    expect(phasesCurrent(B, [1, 2, 3], [1, 2, 3], B)).toBe(true);
    expect(phasesCurrent(B, [1, 2, 3], [1], A)).toBe(false);
    expect(phasesCurrent(`mixed:1:${B}`, [1, 2, 3], [1], B)).toBe(true);
    expect(phasesCurrent(`mixed:1:${B}`, [1, 2, 3], [1, 2], B)).toBe(false);
    expect(phasesCurrent(`mixed:1:${B}`, [1, 2, 3], [1], A)).toBe(false);
  });
});
