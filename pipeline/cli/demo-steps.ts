import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TsiError } from '../../base/errors.js';
import { openStore } from '../../sql/create-store.js';
import { compareSchedules } from '../../queries/compare-reads.js';
import { getVisibilityMetadata } from '../../queries/visibility-reads.js';
import { loadGeneratedSchedule } from '../load-schedule.js';
import { writeReportLazily as writeReport } from '../report/lazy-report.js';
import { defaultReportPath } from '../report/report-request.js';
import { loadVariantSchedule } from '../variant-schedule.js';
import type { PopulateSummary } from '../populate.js';
import type { GenerateOptions } from '../schedule-generator.js';
import type { CommandArgs } from './command.js';
import { clearDemoDatabase, demoScheduleName } from './demo-database.js';
import { count, fmt, populateReport } from './format.js';

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
  /** The HTML report's path, printed last. */
  report?: string;
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

/**
 * Populates the demo's schedule number `index` in its own process, so its
 * peak RSS is its own and not the generator's.
 */
function populateStep(index: number, jsonKey: string): DemoStep {
  return {
    name: `populate ${jsonKey}`,
    async run(run) {
      const scheduleId = run.scheduleIds[index];
      const cli = fileURLToPath(new URL('../cli.js', import.meta.url));
      const child = spawnSync(process.execPath, [cli, 'populate', '--schedule', String(scheduleId), '--db', run.path, '--json', ...logArgs(run.args)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 * 1024 * 1024,
      });
      if (child.status !== 0) throw new TsiError(`the demo's populate of schedule ${scheduleId} failed (exit ${child.status})`);
      const { peakRssMb: rss, ...summary } = JSON.parse(child.stdout) as PopulateSummary & { peakRssMb: number };
      run.json[jsonKey] = { ...summary, peakRssMb: Number(rss.toFixed(1)) };
      run.lines.push('', populateReport(summary).trimEnd(), `  peak RSS of the populate process: ${rss.toFixed(0)} MB`);
      if (index === 0) run.next.push(`summary --schedule ${scheduleId}`, `verify --schedule ${scheduleId}`);
    },
  };
}

/** Populates the generated schedule. */
export const populateStep0 = populateStep(0, 'populate');

/** Another run of the scheduler over the same blocks: a variant linking the same block rows, scheduled differently. */
export const variantStep: DemoStep = {
  name: 'variant',
  async run(run) {
    const store = await openStore(run.path);
    try {
      const variant = await loadVariantSchedule(store, { variantOf: run.scheduleIds[0], seed: 2, name: demoScheduleName(`variant of schedule ${run.scheduleIds[0]} seed 2`) });
      run.scheduleIds.push(variant.scheduleId);
      run.json.variant = variant;
      const c = variant.changes;
      run.lines.push('', `generated schedule ${variant.scheduleId}, a variant of schedule ${variant.variantOf} over the same blocks: `
        + `${fmt(c.newly_scheduled)} blocks newly scheduled, ${fmt(c.newly_unscheduled)} newly unscheduled, ${fmt(c.retimed)} retimed, ${fmt(c.left_out)} left out (${variant.seconds.toFixed(2)} s)`);
    } finally {
      await store.close();
    }
  },
};

/** Populates the variant. */
export const populateVariantStep = populateStep(1, 'populateVariant');


/** What changed between the two runs: the Compare page's figures. */
export const compareStep: DemoStep = {
  name: 'compare',
  async run(run) {
    const [a, b] = run.scheduleIds;
    const store = await openStore(run.path);
    try {
      const [c] = (await compareSchedules(store, a, [b])).comparisons;
      run.json.compare = c;
      const k = c.counts;
      run.lines.push(
        '',
        `schedule ${a} → ${b} (${c.source}): ${fmt(k.unchanged)} unchanged, ${fmt(k.retimed)} retimed, ${fmt(k.newly_scheduled)} newly scheduled, `
          + `${fmt(k.newly_unscheduled)} newly unscheduled, ${fmt(k.unscheduled_both)} unscheduled in both, ${fmt(k.only_a)} only in ${a}, ${fmt(k.only_b)} only in ${b}; `
          + `match ratio ${fmt(c.match_ratio)}`,
        `  scheduled ${fmt(c.a.scheduled_count)} → ${fmt(c.b.scheduled_count)} blocks, priority capture ${fmt(c.a.priority_capture)} → ${fmt(c.b.priority_capture)}, `
          + `gaps ${fmt(c.a.gap_count)} → ${fmt(c.b.gap_count)}; blocks scheduled in both: median shift ${fmt(c.median_shift_seconds, 0)} s, order preserved ${fmt(c.order_preservation)}`,
      );
      run.next.push(`compare --schedule ${a} --with ${b}`, `timeline --schedule ${a}`);
    } finally {
      await store.close();
    }
  },
};

/** The pictures: one self-contained HTML file beside the database, comparing the two runs. */
export const reportStep: DemoStep = {
  name: 'report',
  async run(run) {
    const [a, b] = run.scheduleIds;
    const store = await openStore(run.path);
    try {
      const written = await writeReport(store, { scheduleId: a, compare: [b], out: join(dirname(run.path), defaultReportPath(a)) });
      run.json.report = written;
      run.report = written.path;
    } finally {
      await store.close();
    }
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
