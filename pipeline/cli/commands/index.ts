import type { Command } from '../command.js';
import { backfillCommand } from './backfill.js';
import { compareCommand } from './compare.js';
import { deleteAnalyticsCommand } from './delete-analytics.js';
import { demoCommand } from './demo.js';
import { exportCommand } from './export.js';
import { generateCommand } from './generate.js';
import { histogramCommand } from './histogram.js';
import { importCommand } from './import.js';
import { migrateCommand } from './migrate.js';
import { populateCommand } from './populate.js';
import { reportCommand } from './report.js';
import { schedulesCommand } from './schedules.js';
import { verifyCommand } from './verify.js';
import { summaryCommand } from './summary.js';
import { timelineCommand } from './timeline.js';

/** Every command, in the order `tsi-etl --help` lists them. */
export const COMMANDS: readonly Command[] = [
  migrateCommand,
  demoCommand,
  generateCommand,
  populateCommand,
  importCommand,
  exportCommand,
  backfillCommand,
  deleteAnalyticsCommand,
  schedulesCommand,
  summaryCommand,
  histogramCommand,
  timelineCommand,
  compareCommand,
  verifyCommand,
  reportCommand,
];
