import type { writeReport } from './write-report.js';

/**
 * writeReport, with the charting code (vega and vega-lite: ~18 MB of RSS and
 * ~0.15 s to load) loaded on the first call: the CLI and the library barrel
 * import this, so commands that write no report never pay for it.
 */
export async function writeReportLazily(...args: Parameters<typeof writeReport>): ReturnType<typeof writeReport> {
  const module = await import('./write-report.js');
  return module.writeReport(...args);
}
