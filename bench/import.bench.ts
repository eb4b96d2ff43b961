/*
 * `tsi-etl import` of a large schedule document: wall time and peak RSS of
 * the import process (its own child process, so the RSS is its own).
 *
 * Run: npx tsc -p tsconfig.json && node scripts/copy-sql.mjs && node dist/bench/import.bench.js [blocks] [days] [--no-etl]
 * Fixture: a generated schedule (seed 1) exported to a temporary file, e.g.
 * 100,000 blocks x 183 days (about 1 GB).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportSchedule } from '../pipeline/export-schedule.js';
import type { ImportSummary } from '../pipeline/import-schedule.js';
import { loadGeneratedSchedule } from '../pipeline/load-schedule.js';
import { SqliteStore } from '../sql/sqlite/sqlite-store.js';

export interface ImportMeasurement {
  /** Size of the document. */
  bytes: number;
  /** Wall time of the whole `tsi-etl import` process (hash, store, ETL unless skipped). */
  seconds: number;
  /** Peak RSS of that process. */
  peakRssMb: number;
  /** Hashing and storing, as the import reports it. */
  storeSeconds: number;
  /** The ETL's total, when it ran. */
  populateSeconds: number | null;
  /** One SHA-256 pass over the (cached) file in this process: the cost of the first pass. */
  hashSeconds: number;
  /** `exportSchedule` writing the fixture file (in this process). */
  exportSeconds: number;
}

const CLI = fileURLToPath(new URL('../pipeline/cli.js', import.meta.url));

/**
 * Generates a schedule, exports it to a temporary file and imports that into
 * a fresh database in a child process; removes every temporary file.
 * @param options.etl also compute the analytics, as `import` does by default. Default: true.
 */
export async function measureImport(blocks: number, days: number, options: { etl?: boolean } = {}): Promise<ImportMeasurement> {
  const dir = mkdtempSync(join(tmpdir(), 'tsi-import-bench-'));
  try {
    const file = join(dir, 'schedule.json');
    const exportSeconds = await writeDocument(join(dir, 'source.db'), file, blocks, days);
    const bytes = statSync(file).size;
    const hashSeconds = await timeHash(file);
    const args = [CLI, 'import', file, '--db', join(dir, 'target.db'), '--json', '--log-level', 'warn'];
    if (options.etl === false) args.push('--no-etl');
    const t0 = performance.now();
    const child = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (child.status !== 0) throw new Error(`import failed (exit ${child.status}): ${child.stderr}`);
    const summary = JSON.parse(child.stdout) as ImportSummary & { peakRssMb: number };
    return { bytes, seconds, peakRssMb: summary.peakRssMb, storeSeconds: summary.seconds, populateSeconds: summary.populate?.seconds.total ?? null, hashSeconds, exportSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Generates the schedule and exports it to `file`; returns the export's seconds. */
async function writeDocument(dbPath: string, file: string, blocks: number, days: number): Promise<number> {
  const store = new SqliteStore({ path: dbPath, create: true });
  try {
    await store.migrate();
    const { scheduleId } = await loadGeneratedSchedule(store, { blocks, days, seed: 1 });
    const out = createWriteStream(file);
    const { seconds } = await exportSchedule(store, scheduleId, out);
    out.end();
    await finished(out);
    return seconds;
  } finally {
    await store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  }
}

async function timeHash(file: string): Promise<number> {
  const t0 = performance.now();
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  hash.digest();
  return (performance.now() - t0) / 1000;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [blocks = 100_000, days = 183] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
  const m = await measureImport(blocks, days, { etl: !process.argv.includes('--no-etl') });
  console.log('| blocks x days | MB | import s | store s | ETL s | MB/s stored | peak RSS MB | hash pass s | export s |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const mb = m.bytes / 1e6;
  console.log(
    `| ${blocks} x ${days} | ${mb.toFixed(0)} | ${m.seconds.toFixed(1)} | ${m.storeSeconds.toFixed(1)} | ${m.populateSeconds?.toFixed(1) ?? '—'} | ` +
      `${(mb / m.storeSeconds).toFixed(0)} | ${m.peakRssMb.toFixed(0)} | ${m.hashSeconds.toFixed(2)} | ${m.exportSeconds.toFixed(1)} |`,
  );
}
