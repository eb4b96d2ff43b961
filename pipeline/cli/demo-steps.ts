import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TsiError } from '../../base/errors.js';
import { openStore } from '../../sql/create-store.js';
import { getVisibilityMetadata } from '../../queries/visibility-reads.js';
import { loadGeneratedSchedule } from '../load-schedule.js';
import type { PopulateSummary } from '../populate.js';
import type { GenerateOptions } from '../schedule-generator.js';
import type { CommandArgs } from './command.js';
import { clearDemoDatabase, demoScheduleName } from './demo-database.js';
import { count, populateReport } from './format.js';

/** What the demo's steps share: the database, the options, and the report they build. */
export interface DemoRun {
  /** The SQLite file. */
  path: string;
  args: CommandArgs;
  generate: GenerateOptions;
  /** Schedules the demo created, in order; the first is W10k (or what --blocks/--days made). */
  scheduleIds: number[];
  /** The text report, a line per entry. */
  lines: string[];
  /** The --json report: each step adds its own key. */
  json: Record<string, unknown>;
  /** Commands to try next, without `node dist/pipeline/cli.js` and `--db`. */
  next: string[];
}

/** One step of the demo: does its work on `run.path`, then reports it in lines, json and next. */
export interface DemoStep {
  name: string;
  run(run: DemoRun): Promise<void>;
}

/** Deletes the previous demo database (refusing one holding other schedules, unless --force), creates and migrates it. */
export const freshDatabaseStep: DemoStep = {
  name: 'fresh database',
  async run(run) {
    const previous = await clearDemoDatabase(run.path, run.args.values.force === true);
    const store = await openStore(run.path, { create: true });
    try {
      const migrated = await store.migrate();
      run.json.database = resolve(run.path);
      run.json.replaced = previous;
      run.json.migrations = migrated.applied;
      run.lines.push(
        `tsi-etl demo — database ${resolve(run.path)}`,
        previous.existed ? `deleted the previous demo database there (${count(previous.schedules, 'schedule')}) and created a new one` : 'created a new database',
        `migrated: ${count(migrated.applied.length, 'migration')}`,
      );
      run.next.push('schedules');
    } finally {
      await store.close();
    }
  },
};

export const generateStep: DemoStep = {
  name: 'generate',
  async run(run) {
    const store = await openStore(run.path);
    try {
      const o = run.generate;
      const loaded = await loadGeneratedSchedule(store, { ...o, name: demoScheduleName(o.name ?? `synthetic ${o.blocks}x${o.days} seed ${o.seed}`) });
      run.scheduleIds.push(loaded.scheduleId);
      run.json.generated = loaded;
      run.lines.push(`generated schedule ${loaded.scheduleId}: ${count(loaded.blocks, 'block')} × ${count(o.days, 'day')}, ${(loaded.jsonBytes / 1e6).toFixed(1)} MB of visibility JSON (${loaded.seconds.toFixed(2)} s)`);
    } finally {
      await store.close();
    }
  },
};

/** The demo's own --log-level / --log-format, passed on to its populate process. */
function logArgs(args: CommandArgs): string[] {
  return ['log-level', 'log-format'].flatMap((k) => (args.values[k] === undefined ? [] : [`--${k}`, String(args.values[k])]));
}

/** Populates the generated schedule in its own process, so its peak RSS is its own and not the generator's. */
export const populateStep: DemoStep = {
  name: 'populate',
  async run(run) {
    const scheduleId = run.scheduleIds[0];
    const cli = fileURLToPath(new URL('../cli.js', import.meta.url));
    const child = spawnSync(process.execPath, [cli, 'populate', '--schedule', String(scheduleId), '--db', run.path, '--json', ...logArgs(run.args)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    if (child.status !== 0) throw new TsiError(`the demo's populate failed (exit ${child.status})`);
    const { peakRssMb: rss, ...summary } = JSON.parse(child.stdout) as PopulateSummary & { peakRssMb: number };
    run.json.populate = summary;
    run.json.peakRssMb = Number(rss.toFixed(1));
    run.lines.push('', populateReport(summary).trimEnd(), `  peak RSS of the populate process: ${rss.toFixed(0)} MB`);
    run.next.push(`summary --schedule ${scheduleId}`, `verify --schedule ${scheduleId}`);
  },
};

/**
 * Suggests the histogram of the schedule's first two days in hourly bins:
 * the nights against the empty days. (Daily bins over the whole range are
 * all near the same count, so their bars look solid.)
 */
export const histogramHintStep: DemoStep = {
  name: 'histogram hint',
  async run(run) {
    const scheduleId = run.scheduleIds[0];
    const store = await openStore(run.path);
    try {
      const meta = await getVisibilityMetadata(store, scheduleId);
      const start = meta.time_range_start_unix;
      const end = Math.min(meta.time_range_end_unix, start + 2 * 86_400);
      run.next.push(`histogram --schedule ${scheduleId} --start ${start} --end ${end} --bin-minutes 60`);
    } finally {
      await store.close();
    }
  },
};
