/* What a report is asked for and what writing it gives, without the charting code. */

export interface ReportRequest {
  scheduleId: number;
  /** Schedules to compare with (the reference is `scheduleId`). */
  compare?: readonly number[];
  /** Default `report-<id>.html` in the working directory. */
  out?: string;
}

export interface WrittenReport {
  path: string;
  bytes: number;
  seconds: number;
}

export const defaultReportPath = (scheduleId: number) => `report-${scheduleId}.html`;
