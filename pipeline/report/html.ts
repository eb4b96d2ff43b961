/** Small HTML building blocks of the report: escaping, figure lists and tables with machine-readable values. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

export type FigureValue = number | string | null;

/** What a person reads: integers with separators, other numbers to 3 decimals, null as a dash. */
export function formatValue(value: FigureValue): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(3);
}

/** What a test reads: the exact value, `null` for none. */
const dataValue = (value: FigureValue) => escapeHtml(value === null ? 'null' : String(value));

/** One labelled number; `name` is the read's own field name, so a test can compare it with the read. */
export interface Figure {
  name: string;
  label: string;
  value: FigureValue;
}

export function figureList(group: string, figures: readonly Figure[]): string {
  const items = figures.map((f) => `<div data-figure="${escapeHtml(f.name)}" data-value="${dataValue(f.value)}"><dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(formatValue(f.value))}</dd></div>`);
  return `<dl class="figures" data-figures="${escapeHtml(group)}">${items.join('')}</dl>`;
}

/** A table cell: a value shown formatted, or with a text of its own (e.g. a time for Unix seconds). */
export type Cell = FigureValue | { value: FigureValue; text: string };

const cellHtml = (c: Cell) => (c !== null && typeof c === 'object'
  ? `<td data-value="${dataValue(c.value)}">${escapeHtml(c.text)}</td>`
  : `<td data-value="${dataValue(c)}">${escapeHtml(formatValue(c))}</td>`);

/** A table whose cells carry their exact values (`data-value`) beside the text shown. */
export function dataTable(group: string, header: readonly string[], rows: readonly Cell[][]): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map(cellHtml).join('')}</tr>`);
  return `<table class="data" data-table="${escapeHtml(group)}"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

/** A chart (an SVG drawn in Node) with its caption and the path that answered its reads. */
export function chartFigure(name: string, caption: string, source: string, svg: string): string {
  return `<figure class="chart" data-chart="${escapeHtml(name)}" data-source="${escapeHtml(source)}">${svg}<figcaption>${escapeHtml(caption)} <span class="source">source: ${escapeHtml(source)}</span></figcaption></figure>`;
}
