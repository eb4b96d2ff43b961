import type { LegacyPeriod } from './legacy-block.js';

/**
 * The original system's way: `JSON.parse` the whole value into objects, then
 * check SEMANTICS "Bad input". Returns the periods, or a problem string.
 * Independent of the ETL's scanner on purpose: it is the reference.
 */
export function parsePeriodsLegacy(text: string | null): LegacyPeriod[] | string {
  if (text === null || text === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (!Array.isArray(value)) return 'top level is not an array';
  const periods: LegacyPeriod[] = [];
  for (let i = 0; i < value.length; i++) {
    const p = value[i] as unknown;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return `element ${i} is not an object`;
    const { start, stop } = p as { start?: unknown; stop?: unknown };
    if (typeof start !== 'number' || typeof stop !== 'number') return `period ${i}: start and stop must be numbers`;
    if (!Number.isFinite(start) || !Number.isFinite(stop)) return `period ${i}: not finite`;
    if (stop < start) return `period ${i}: stop < start`;
    periods.push({ start, stop });
  }
  return periods;
}
