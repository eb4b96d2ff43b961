/**
 * Largest and smallest of a list of numbers in one loop. `Math.max(...values)`
 * passes every value as an argument and throws "Maximum call stack size
 * exceeded" past ~100k of them (a 1-minute histogram of six months has 263k
 * bins), so data of any length goes through these instead.
 */

/** The largest value, or `empty` when there is none. */
export function maxOf(values: Iterable<number>, empty = -Infinity): number {
  let max = -Infinity;
  let any = false;
  for (const v of values) {
    any = true;
    if (v > max) max = v;
  }
  return any ? max : empty;
}

/** The smallest value, or `empty` when there is none. */
export function minOf(values: Iterable<number>, empty = Infinity): number {
  let min = Infinity;
  let any = false;
  for (const v of values) {
    any = true;
    if (v < min) min = v;
  }
  return any ? min : empty;
}
