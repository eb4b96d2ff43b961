import { TsiError } from '../base/errors.js';
import { silentLogger, type Logger } from '../base/logger.js';

/** Options every analytics read takes. */
export interface ReadOptions {
  /**
   * Read the analytics tables (falling back to the legacy path when they are
   * missing, empty for the schedule, or fail). false forces the legacy path.
   * @default true, or env TSI_USE_ANALYTICS_TABLE=false
   */
  useAnalyticsTable?: boolean;
  log?: Logger;
  /** Told which path answered each read (e.g. the report shows it beside every chart). */
  onSource?: (read: string, source: ReadSource) => void;
}

export function useAnalyticsTable(options: ReadOptions): boolean {
  return options.useAnalyticsTable ?? process.env.TSI_USE_ANALYTICS_TABLE?.toLowerCase() !== 'false';
}

/** Which path answered a read. */
export type ReadSource = 'analytics' | 'legacy';

/**
 * The plan's automatic fallback in one place: try the analytics path; when
 * it is disabled, throws, or finds nothing for the schedule (returns
 * undefined), answer from the legacy path. The caller's own mistakes
 * (TsiError: unknown schedule, bad parameters) propagate at once: the legacy
 * path would only repeat them.
 */
export async function withFallback<T>(
  read: string,
  options: ReadOptions,
  analytics: () => Promise<T | undefined>,
  legacy: () => Promise<T>,
): Promise<{ value: T; source: ReadSource }> {
  const log = options.log ?? silentLogger;
  if (useAnalyticsTable(options)) {
    try {
      const value = await analytics();
      if (value !== undefined) {
        options.onSource?.(read, 'analytics');
        return { value, source: 'analytics' };
      }
      log.debug({ read }, 'no analytics for this schedule: using the legacy path');
    } catch (error) {
      if (error instanceof TsiError) throw error;
      log.warn({ read, err: (error as Error).message }, 'analytics read failed: using the legacy path');
    }
  }
  const value = await legacy();
  options.onSource?.(read, 'legacy');
  return { value, source: 'legacy' };
}
