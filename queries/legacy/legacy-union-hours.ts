import type { LegacyPeriod } from './legacy-block.js';

/** Length in hours of the union of the periods: sort by start, merge, sum. */
export function legacyUnionHours(periods: readonly LegacyPeriod[]): number {
  const sorted = [...periods].sort((a, b) => a.start - b.start || a.stop - b.stop);
  let hours = 0;
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i].start;
    let stop = sorted[i].stop;
    i++;
    while (i < sorted.length && sorted[i].start <= stop) {
      stop = Math.max(stop, sorted[i].stop);
      i++;
    }
    hours += (stop - start) * 24;
  }
  return hours;
}
