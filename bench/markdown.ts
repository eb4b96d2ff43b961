import type { Spread } from './stats.js';

/**
 * A GitHub markdown table; columns listed in `numeric` are right-aligned.
 * Cells are written as given (format numbers first with `num`/`spreadCell`).
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = []): string {
  const align = header.map((_, i) => (numeric.includes(i) ? '---:' : '---'));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

/** A number with a fixed number of decimals and thousands separators (en-US). */
export function num(value: number, decimals = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** `median (min–max)`, or just the median for a single measurement. */
export function spreadCell(s: Spread, decimals = 2): string {
  return s.n === 1 ? num(s.median, decimals) : `${num(s.median, decimals)} (${num(s.min, decimals)}–${num(s.max, decimals)})`;
}

/** A ratio as `12.3×`, with fewer decimals once it is large. */
export function ratioCell(ratio: number): string {
  return `${num(ratio, ratio >= 100 ? 0 : ratio >= 10 ? 1 : 2)}×`;
}
