import { describe, expect, it } from 'vitest';
import { memoryChartSvg } from '../../bench/memory-chart.js';

const points = [
  { blocks: 100_000, peakRssMb: 150, seconds: 9 },
  { blocks: 10_000, peakRssMb: 120, seconds: 1 },
  { blocks: 30_000, peakRssMb: 130, seconds: 3 },
];

/** The `points` attribute of each polyline, as [x, y] pairs. */
function lines(svg: string): number[][][] {
  return [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
}

describe('memoryChartSvg', () => {
  it('draws one line per measure through the points in block order, on a log x axis', () => {
    const svg = memoryChartSvg(points, 'test machine');
    const [rss, time] = lines(svg);
    expect(rss).toHaveLength(3);
    expect(rss.map(([x]) => x)).toEqual(time.map(([x]) => x));
    // log10 spacing: 10k → 30k is log10(3) / log10(10) of the way from 10k to 100k.
    const [x10, x30, x100] = rss.map(([x]) => x);
    expect((x30 - x10) / (x100 - x10)).toBeCloseTo(Math.log10(3), 2);
    // Higher values sit higher on the chart (smaller y).
    expect(rss[0][1]).toBeGreaterThan(rss[2][1]);
    expect(time[0][1]).toBeGreaterThan(time[1][1]);
    expect(time[1][1]).toBeGreaterThan(time[2][1]);
    for (const label of ['120 MB', '150 MB', '1.00 s', '9.00 s', '100,000', 'RSS target 200 MB', 'test machine']) expect(svg).toContain(label);
  });

  it('escapes the caption', () => {
    expect(memoryChartSvg(points, 'a < b & c')).toContain('a &lt; b &amp; c');
  });
});
