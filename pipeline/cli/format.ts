import type { PopulateSummary } from '../populate.js';
import { maxOf } from '../../base/array-extent.js';

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** A plain text table with aligned columns (numbers right-aligned). */
export function textTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => printable(String(c))))];
  const widths = header.map((_, i) => maxOf(cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n') + '\n';
}

/**
 * Text as a terminal may show it: control characters (a newline, an escape
 * sequence in a stored schedule name) written as JSON escapes, so they can
 * neither split a table row nor recolour the terminal.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** `1 block`, `2 blocks`, `10,000 blocks`. */
export function count(n: number, noun: string): string {
  return `${fmt(n)} ${n === 1 ? noun : `${noun}s`}`;
}

/** `phase 3` or `phases 1,2,3`, from a list or its comma-separated text. */
export function phasesLabel(phases: readonly (string | number)[] | string): string {
  const list = typeof phases === 'string' ? phases.split(',') : phases.map(String);
  return `${list.length === 1 ? 'phase' : 'phases'} ${list.join(',')}`;
}

export function fmt(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined) return '—';
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(digits);
}

/** The populate report: what was read, how fast each stage went, what was written. */
export function populateReport(s: PopulateSummary): string {
  const mb = s.jsonBytes / 1e6;
  const t = s.seconds;
  const lines = [
    `schedule ${s.scheduleId}: ${count(s.blocks, 'block')} — ${phasesLabel(s.phases)}`,
    // Periods and MB are of the JSON parsed: a block that reused its stored facts has none.
    `  visibility JSON: ${count(s.parsedBlocks, 'block')} parsed (${count(s.periods, 'period')}, ${mb.toFixed(1)} MB), ${fmt(s.reusedBlocks)} reused stored facts`,
    `  total ${t.total.toFixed(3)} s: ${fmt(Math.round(s.blocks / t.total))} blocks/s${s.parsedBlocks > 0 ? `, ${fmt(Math.round(s.periods / t.total))} periods/s, ${(mb / t.total).toFixed(1)} MB/s of JSON` : ''}`,
    `  stages: read ${t.read.toFixed(3)} s, parse ${t.parse.toFixed(3)} s, accumulate ${t.accumulate.toFixed(3)} s, write ${t.write.toFixed(3)} s, finish ${t.finish.toFixed(3)} s, commit ${t.commit.toFixed(3)} s`,
    `  rows written: ${Object.entries(s.rowsWritten).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`,
  ];
  if (s.threads > 1) lines.push(`  on ${s.threads} threads: the main thread and ${s.threads - 1} worker${s.threads === 2 ? '' : 's'} parsed and accumulated`);
  if (s.phase3Kept) lines.push('  Phase 3 inputs unchanged (no visibility JSON, priority or scheduled flag changed, same bin width): its rows left in place, not recomputed');
  else if (s.minuteBinsKept) lines.push('  minute bins unchanged (same digest): left in place, not rewritten');
  if (s.invalidBlockIds.length > 0) {
    const shown = s.invalidBlockIds.slice(0, 20).join(', ');
    lines.push(`  bad visibility JSON (--lenient: written with visibility_invalid = 1, 0 hours, counted): ${count(s.invalidBlockIds.length, 'block')}: ${shown}${s.invalidBlockIds.length > 20 ? ', …' : ''}`);
  }
  return lines.join('\n') + '\n';
}
