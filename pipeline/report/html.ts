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

/** A table whose cells carry their exact values (`data-value`) beside the formatted text. */
export function dataTable(group: string, header: readonly string[], rows: readonly FigureValue[][], rowNames?: readonly string[]): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r, i) => `<tr${rowNames ? ` data-row="${escapeHtml(rowNames[i])}"` : ''}>${r.map((v) => `<td data-value="${dataValue(v)}">${escapeHtml(formatValue(v))}</td>`).join('')}</tr>`);
  return `<table class="data" data-table="${escapeHtml(group)}"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

/** A chart (an SVG drawn in Node) with its caption and the path that answered its reads. */
export function chartFigure(name: string, caption: string, source: string, svg: string): string {
  return `<figure class="chart" data-chart="${escapeHtml(name)}" data-source="${escapeHtml(source)}">${svg}<figcaption>${escapeHtml(caption)} <span class="source">source: ${escapeHtml(source)}</span></figcaption></figure>`;
}
