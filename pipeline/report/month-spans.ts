/** A piece of a time window inside one UTC month, in days since the month's start (the Timeline's rows). */
export interface MonthSpan {
  month: string;
  fromDay: number;
  toDay: number;
}

const DAY = 86_400;

function monthStart(unix: number): { month: string; start: number; next: number } {
  const d = new Date(unix * 1000);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
  return { month: d.toISOString().slice(0, 7), start, next };
}

/** Splits `[start, stop)` (Unix seconds) at month boundaries, so a window crossing midnight of the 1st shows in both rows. */
export function monthSpans(start: number, stop: number): MonthSpan[] {
  const spans: MonthSpan[] = [];
  for (let t = start; t < stop;) {
    const m = monthStart(t);
    const end = Math.min(stop, m.next);
    spans.push({ month: m.month, fromDay: (t - m.start) / DAY, toDay: (end - m.start) / DAY });
    t = end;
  }
  return spans;
}
