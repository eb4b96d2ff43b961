/*
 * `writeReport` on a generated schedule: the file's size, wall and CPU
 * seconds, alone and with a comparison against a variant of it.
 *
 * Run: npx tsc -p tsconfig.json && node scripts/copy-sql.mjs && node dist/bench/report.bench.js [blocks] [days]
 * Fixture: its own, a generated schedule (seed 11; W10k is 10,000 x 183) and
 * its variant (bench/schedule-variant.ts), both populated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeReport } from '../pipeline/report/write-report.js';
import { SqliteStore } from '../sql/sqlite/sqlite-store.js';
import { loadScheduleAndVariant } from './schedule-variant.js';

export interface ReportMeasurement {
  report: 'alone' | 'with a comparison';
  blocks: number;
  mb: number;
  seconds: number;
  cpuSeconds: number;
}

/** The first report is made cold (first chart of the process), as the CLI makes it. */
export async function measureReport(blocks: number, days: number): Promise<ReportMeasurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tsi-report-bench-'));
  const store = new SqliteStore({ path: join(dir, 'report.db'), create: true });
  try {
    await store.migrate();
    const { a, b } = await loadScheduleAndVariant(store, blocks, days);
    const rows: ReportMeasurement[] = [];
    for (const [report, compare] of [['alone', []], ['with a comparison', [b]]] as const) {
      const cpu = process.cpuUsage();
      const written = await writeReport(store, { scheduleId: a, compare, out: join(dir, 'report.html') });
      const used = process.cpuUsage(cpu);
      rows.push({ report, blocks, mb: written.bytes / 1e6, seconds: written.seconds, cpuSeconds: (used.user + used.system) / 1e6 });
    }
    return rows;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [blocks = 10_000, days = 183] = process.argv.slice(2).map(Number);
  console.table(await measureReport(blocks, days));
}
