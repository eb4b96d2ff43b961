import type { Store } from '../../sql/store.js';
import { loadScheduleAndVariant } from '../../bench/schedule-variant.js';

/** Blocks of the generated schedule the report tests draw: small, so a browser test stays quick. */
export const REPORT_BLOCKS = 300;

/** The report tests' schedule (REPORT_BLOCKS × 21 days, or `blocks`) and its variant, both populated. */
export const loadReportSchedules = (store: Store, blocks = REPORT_BLOCKS) => loadScheduleAndVariant(store, blocks, 21);
