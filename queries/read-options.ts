import { ParameterError, TsiError } from '../base/errors.js';
import { silentLogger, type Logger } from '../base/logger.js';

/** Options every analytics read takes. */
export interface ReadOptions {
  /**
   * Read the analytics tables (falling back to the legacy path when they are
   * missing, empty for the schedule, cannot answer the query, or fail). false
   * forces the legacy path.
   * @default true, or env TSI_USE_ANALYTICS_TABLE=false
   */
  useAnalyticsTable?: boolean;
  log?: Logger;
  /** Told which path answered each read (e.g. the report shows it beside every chart). */
  onSource?: (read: string, source: ReadSource) => void;
}

/**
 * The option, else env TSI_USE_ANALYTICS_TABLE (true/false, 1/0; unset: true).
 * @throws ParameterError for another value: a misspelt switch must not be ignored.
 */
export function useAnalyticsTable(options: ReadOptions): boolean {
  if (options.useAnalyticsTable !== undefined) return options.useAnalyticsTable;
  const env = process.env.TSI_USE_ANALYTICS_TABLE;
  if (env === undefined || env.trim() === '') return true;
  const value = env.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ParameterError('TSI_USE_ANALYTICS_TABLE', `must be true or false (or 1 or 0), got ${JSON.stringify(env)}`);
}

/** Which path answered a read. */
export type ReadSource = 'analytics' | 'legacy';

/**
 * What an analytics read returns when the stored analytics exist but cannot
 * answer this query (e.g. a start that is not a whole minute), saying why.
 */
export class UseLegacy {
  constructor(readonly reason: string) {}
}

export const NO_ANALYTICS = 'no analytics for this schedule';

/** Why the analytics path is off, or undefined when it is on. */
function disabledReason(options: ReadOptions): string | undefined {
  if (options.useAnalyticsTable === false) return 'disabled by the caller (useAnalyticsTable: false, or --legacy)';
  if (options.useAnalyticsTable === undefined && !useAnalyticsTable(options)) return `disabled by env TSI_USE_ANALYTICS_TABLE=${process.env.TSI_USE_ANALYTICS_TABLE}`;
  return undefined;
}

/**
 * The plan's automatic fallback in one place: try the analytics path; when
 * it is disabled, throws, finds nothing for the schedule (returns undefined)
 * or cannot answer the query (returns UseLegacy), answer from the legacy path
 * and log why at debug (warn for an error). The caller's own mistakes
 * (TsiError: unknown schedule, bad parameters) propagate at once: the legacy
 * path would only repeat them.
 */
export async function withFallback<T>(
  read: string,
  options: ReadOptions,
  analytics: () => Promise<T | UseLegacy | undefined>,
  legacy: () => Promise<T>,
): Promise<{ value: T; source: ReadSource }> {
  const log = options.log ?? silentLogger;
  const disabled = disabledReason(options);
  if (disabled !== undefined) {
    log.debug({ read, reason: disabled }, `using the legacy path: ${disabled}`);
  } else {
    try {
      const value = await analytics();
      if (value !== undefined && !(value instanceof UseLegacy)) {
        options.onSource?.(read, 'analytics');
        return { value: value as T, source: 'analytics' };
      }
      const reason = value instanceof UseLegacy ? value.reason : NO_ANALYTICS;
      log.debug({ read, reason }, `using the legacy path: ${reason}`);
    } catch (error) {
      if (error instanceof TsiError) throw error;
      const reason = `the analytics read failed: ${(error as Error).message}`;
      log.warn({ read, reason }, `using the legacy path: ${reason}`);
    }
  }
  const value = await legacy();
  options.onSource?.(read, 'legacy');
  return { value, source: 'legacy' };
}
