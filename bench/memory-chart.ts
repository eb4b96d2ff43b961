import { maxOf } from '../base/array-extent.js';

/*
 * A small hand-written SVG line chart (no dependency): peak RSS (left axis)
 * and populate time (right axis) against block count on a log axis, so a
 * flat memory line next to a rising time line shows at a glance.
 */

export interface ChartPoint {
  blocks: number;
  peakRssMb: number;
  seconds: number;
}

const WIDTH = 560;
const HEIGHT = 320;
const PLOT = { left: 64, right: WIDTH - 64, top: 48, bottom: HEIGHT - 52 };
const RSS_COLOR = '#1f77b4';
const TIME_COLOR = '#d62728';

/**
 * The smallest 1, 2, 4, 5 or 8 × 10^k at or above `v` × 1.1, so the top point
 * never touches the frame and the four tick steps stay round numbers.
 */
function niceMax(v: number): number {
  const target = Math.max(v * 1.1, Number.EPSILON);
  const power = 10 ** Math.floor(Math.log10(target));
  return [1, 2, 4, 5, 8, 10].map((m) => m * power).find((m) => m >= target)!;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fixed = (v: number) => v.toFixed(1);

/**
 * The chart as an SVG document.
 * @param points one per fixture size, any order (at least one).
 * @param caption a line under the title (machine, date).
 * @param rssLimitMb drawn as a dashed line on the RSS axis (the target). Default: 200.
 */
export function memoryChartSvg(points: readonly ChartPoint[], caption: string, rssLimitMb = 200): string {
  const sorted = [...points].sort((a, b) => a.blocks - b.blocks);
  const [lo, hi] = [Math.log10(sorted[0].blocks) - 0.15, Math.log10(sorted[sorted.length - 1].blocks) + 0.15];
  const x = (blocks: number) => PLOT.left + ((Math.log10(blocks) - lo) / (hi - lo)) * (PLOT.right - PLOT.left);
  const rssMax = niceMax(Math.max(rssLimitMb, maxOf(sorted.map((p) => p.peakRssMb))));
  const timeMax = niceMax(maxOf(sorted.map((p) => p.seconds)));
  const yRss = (mb: number) => PLOT.bottom - (mb / rssMax) * (PLOT.bottom - PLOT.top);
  const yTime = (s: number) => PLOT.bottom - (s / timeMax) * (PLOT.bottom - PLOT.top);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">tsi-etl populate, all phases: peak RSS and time vs blocks</text>`,
    `<text x="${WIDTH / 2}" y="34" text-anchor="middle" fill="#555">${escapeXml(caption)}</text>`,
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#999"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const rss = (rssMax * i) / 4;
    const time = (timeMax * i) / 4;
    const y = fixed(yRss(rss));
    out.push(
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${y}" y2="${y}" stroke="#eee"/>`,
      `<text x="${PLOT.left - 6}" y="${y}" dy="4" text-anchor="end" fill="${RSS_COLOR}">${rss.toLocaleString('en-US')}</text>`,
      `<text x="${PLOT.right + 6}" y="${fixed(yTime(time))}" dy="4" fill="${TIME_COLOR}">${time.toLocaleString('en-US')}</text>`,
    );
  }
  const limit = fixed(yRss(rssLimitMb));
  out.push(
    `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${limit}" y2="${limit}" stroke="${RSS_COLOR}" stroke-dasharray="4 4" opacity="0.6"/>`,
    `<text x="${PLOT.left + 4}" y="${limit}" dy="-4" fill="${RSS_COLOR}" opacity="0.8">RSS target ${rssLimitMb} MB</text>`,
  );
  for (const p of sorted) {
    out.push(`<text x="${fixed(x(p.blocks))}" y="${PLOT.bottom + 16}" text-anchor="middle">${p.blocks.toLocaleString('en-US')}</text>`);
  }
  const series = [
    { color: RSS_COLOR, y: (p: ChartPoint) => yRss(p.peakRssMb), label: (p: ChartPoint) => `${p.peakRssMb.toFixed(0)} MB` },
    { color: TIME_COLOR, y: (p: ChartPoint) => yTime(p.seconds), label: (p: ChartPoint) => `${p.seconds.toFixed(2)} s` },
  ];
  for (const { color, y, label } of series) {
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${sorted.map((p) => `${fixed(x(p.blocks))},${fixed(y(p))}`).join(' ')}"/>`);
    for (const p of sorted) {
      out.push(
        `<circle cx="${fixed(x(p.blocks))}" cy="${fixed(y(p))}" r="3.5" fill="${color}"/>`,
        `<text x="${fixed(x(p.blocks))}" y="${fixed(y(p))}" dy="-8" text-anchor="middle" fill="${color}">${label(p)}</text>`,
      );
    }
  }
  out.push(
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 12}" text-anchor="middle">blocks (log scale)</text>`,
    `<text transform="translate(16 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="${RSS_COLOR}">peak RSS (MB)</text>`,
    `<text transform="translate(${WIDTH - 14} ${(PLOT.top + PLOT.bottom) / 2}) rotate(90)" text-anchor="middle" fill="${TIME_COLOR}">populate time (s)</text>`,
    '</svg>',
    '',
  );
  return out.join('\n');
}
