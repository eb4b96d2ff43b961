import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { backfillReportText } from '../../../pipeline/cli/commands/backfill.js';
import { count, phasesLabel, populateReport } from '../../../pipeline/cli/format.js';
import { loadGeneratedSchedule } from '../../../pipeline/load-schedule.js';
import { populateSchedule } from '../../../pipeline/populate.js';
import { insertSchedule, periodsJson, runCli, withStore } from '../../helpers.js';

describe('CLI wording', () => {
  it('counts in the singular for one and the plural otherwise, and names one phase or several', () => {
    expect([count(0, 'block'), count(1, 'block'), count(2, 'block'), count(10_000, 'schedule')]).toEqual(['0 blocks', '1 block', '2 blocks', '10,000 schedules']);
    expect([phasesLabel('3'), phasesLabel([1, 2, 3]), phasesLabel('1,2')]).toEqual(['phase 3', 'phases 1,2,3', 'phases 1,2']);
    const report = { mode: 'missing' as const, concurrency: 1, selected: [4], done: [4], skipped: [], failed: [], blocks: 1, reusedBlocks: 0, parsedBlocks: 1, seconds: 0.5 };
    expect(backfillReportText(report)).toMatch(/^backfill --missing \(concurrency 1\): 1 schedule selected\n/);
    const unknown = { ...report, failed: [{ scheduleId: 99, error: 'schedule 99 does not exist' }] };
    expect(backfillReportText(unknown)).toMatch(/^backfill --missing \(concurrency 1\): 1 schedule selected, 1 given that does not exist\n/);
  });

  it('through the built CLI: one block, one phase, --lenient output, a duplicate generate saying what to change', async () => {
    await withStore(async (store, path) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [{ json: periodsJson([[60000, 60000.5]]) }, { json: 'nope' }]);
      const lenient = runCli(['populate', '--schedule', String(scheduleId), '--lenient', '--phases', '3', '--db', path]);
      expect(lenient.code).toBe(0);
      expect(lenient.stdout).toContain(`schedule ${scheduleId}: 2 blocks — phase 3\n  visibility JSON: 2 blocks parsed (1 period, 0.0 MB), 0 reused stored facts\n`);
      expect(lenient.stdout).toContain(`  bad visibility JSON (--lenient: written with visibility_invalid = 1, 0 hours, counted): 1 block: ${blockIds[1]}\n`);
      expect(lenient.stdout).not.toContain('left out');
      const strict = runCli(['populate', '--schedule', String(scheduleId), '--db', path]);
      expect(strict.stderr).toContain('use --lenient to write such blocks flagged visibility_invalid = 1 and report them');
      expect(runCli(['schedules', '--db', path]).stdout).toMatch(/ phase 3 /);
      expect(runCli(['populate', '--help']).stdout).toContain('write blocks with bad visibility JSON with visibility_invalid = 1');

      expect(runCli(['generate', '--blocks', '1', '--days', '2', '--db', path]).stdout).toMatch(/^generated schedule \d+: 1 block, /);
      const again = runCli(['generate', '--blocks', '1', '--days', '2', '--db', path]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^tsi-etl generate: schedule \d+ was generated with the same --blocks, --days, --seed and --name: change --seed \(or --name\) for another one\n$/);
    });
  });

  it('bad arguments exit 2 alike in every command, and stored text cannot break a table or recolour the terminal', async () => {
    await withStore(async (store, path) => {
      const empty = runCli(['generate', '--blocks', '1', '--days', '2', '--name', '', '--db', path]);
      expect([empty.code, empty.stderr]).toEqual([2, 'tsi-etl generate: --name: must not be empty\n']);
      await insertSchedule(store, [{ json: periodsJson([[60000, 60000.5]]) }], 'evil\u001b[31mRED\nsecond line');
      const timeline = runCli(['timeline', '--schedule', '1', '--priority-min', '9', '--priority-max', '8', '--db', path]);
      expect([timeline.code, timeline.stderr]).toEqual([2, 'tsi-etl timeline: --priority-min: (9) must not exceed --priority-max (8)\n']);
      const listed = runCli(['schedules', '--db', path]);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain('evil\\u001b[31mRED\\nsecond line');
      expect(listed.stdout).not.toContain('\u001b');
      expect(listed.stdout.trimEnd().split('\n')).toHaveLength(3);
    });
  });

  it('an --out that cannot be written is a bad argument, found before any work', async () => {
    await withStore(async (store, path) => {
      await insertSchedule(store, [{ json: periodsJson([[60000, 60000.5]]) }]);
      for (const command of ['report', 'export']) {
        const missing = runCli([command, '--schedule', '1', '--out', '/nonexistent-dir/x.out', '--db', path]);
        expect([missing.code, missing.stdout, missing.stderr]).toEqual([2, '', `tsi-etl ${command}: --out: the directory /nonexistent-dir does not exist: create it, or choose another --out\n`]);
        const dir = runCli([command, '--schedule', '1', '--out', '/tmp', '--db', path]);
        expect([dir.code, dir.stderr]).toEqual([2, `tsi-etl ${command}: --out: /tmp is a directory: give a file name\n`]);
      }
    });
  });

  it('says how many threads a populate ran on, and why one when more were asked for', async () => {
    await withStore(async (store, path) => {
      await insertSchedule(store, [{ json: periodsJson([[60000, 60000.5]]) }]);
      // --threads is at most one per core (tested below): 2, as the 2-core test and bench machines have (one core: skipped).
      if (availableParallelism() >= 2) {
        const small = runCli(['populate', '--schedule', '1', '--threads', '2', '--db', path]);
        expect(small.code).toBe(0);
        expect(small.stdout).toContain('\n  on 1 thread, not 2: a schedule under 20,000 blocks gains nothing from workers (--threads-min-blocks)\n');
        const lowered = runCli(['populate', '--schedule', '1', '--threads', '2', '--threads-min-blocks', '0', '--db', path]);
        expect(lowered.stdout).toContain('\n  on 1 thread, not 2: no run of blocks to parse was worth a worker (blocks whose visibility was reused, or without JSON, need no parsing)\n');
        // One block: one chunk, so one worker starts; a second starts only when the first is busy (3 threads: on 3 cores or more).
        const one = runCli(['populate', '--schedule', '1', '--threads', '3', '--threads-min-blocks', '0', '--no-reuse', '--db', path]).stdout;
        expect(one).toContain('\n  on 2 threads: the main thread and 1 worker parsed and accumulated\n');
        if (availableParallelism() >= 3) expect(one).toContain('\n  on 2 threads, not 3: the blocks to parse never kept more workers busy\n');
      }
      const bad = runCli(['populate', '--schedule', '1', '--threads-min-blocks', '-1', '--db', path]);
      expect([bad.code, bad.stderr]).toEqual([2, 'tsi-etl populate: --threads-min-blocks: must be a whole number of blocks, 0 or more, got "-1"\n']);
      expect(JSON.parse(runCli(['populate', '--schedule', '1', '--threads', '4', '--json', '--db', path]).stdout)).toMatchObject({ threads: 1 });
      // Its one block was parsed above and is reused now: nothing to parse, so no worker starts.
      expect((await populateSchedule(store, 1, { threads: 3, threadsMinBlocks: 0 })).threads).toBe(1);
      const { scheduleId: large } = await loadGeneratedSchedule(store, { blocks: 300, days: 2, seed: 2 });
      const summary = await populateSchedule(store, large, { threads: 3, threadsMinBlocks: 0, reuse: false });
      expect(summary.threads).toBe(3);
      expect(populateReport(summary)).toContain('\n  on 3 threads: the main thread and 2 workers parsed and accumulated\n');
    });
  });

  it('uses at most one thread per core in populate, backfill and import, and says so in one line when --threads asks for more', async () => {
    const cores = availableParallelism();
    await withStore(async (store, path) => {
      // 300 blocks, in runs of 32: enough runs for more workers than cores, had they been allowed.
      await loadGeneratedSchedule(store, { blocks: 300, days: 2, seed: 2 });
      const capped = (stderr: string) => stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.event === 'threads-capped');
      const note = { requested: 100, cores, threads: cores, msg: `--threads 100: this machine has ${count(cores, 'core')}; using ${cores}` };
      const args = ['--threads', '100', '--threads-min-blocks', '0', '--no-reuse', '--log-format', 'json', '--json', '--db', path];
      const populate = runCli(['populate', '--schedule', '1', ...args], { TSI_LOG_LEVEL: 'info' });
      expect(populate.code, populate.stderr).toBe(0);
      expect(capped(populate.stderr)).toMatchObject([note]);
      expect(JSON.parse(populate.stdout).threads).toBeLessThanOrEqual(cores);
      const backfill = runCli(['backfill', '--all', ...args], { TSI_LOG_LEVEL: 'info' });
      expect(backfill.code, backfill.stderr).toBe(0);
      expect(capped(backfill.stderr)).toMatchObject([note]);
      expect(runCli(['export', '--schedule', '1', '--out', `${path}.json`, '--db', path]).code).toBe(0);
      const imported = runCli(['import', `${path}.json`, ...args.slice(0, -1), `${path}.imported.db`], { TSI_LOG_LEVEL: 'info' });
      expect(imported.code, imported.stderr).toBe(0);
      expect(capped(imported.stderr)).toMatchObject([note]);
      expect(JSON.parse(imported.stdout).populate.threads).toBeLessThanOrEqual(cores);
      // Within the cores, nothing to say.
      expect(capped(runCli(['populate', '--schedule', '1', '--threads', String(cores), '--log-format', 'json', '--db', path], { TSI_LOG_LEVEL: 'info' }).stderr)).toEqual([]);
      expect(runCli(['import', '--help']).stdout).toContain(`at most one per core (${cores} here; `);
    });
  });

  it('a variant generated twice is a duplicate that says what to change, as a plain generate does', async () => {
    await withStore(async (_store, path) => {
      expect(runCli(['generate', '--blocks', '20', '--days', '2', '--db', path]).code).toBe(0);
      expect(runCli(['generate', '--variant-of', '1', '--seed', '2', '--db', path]).code).toBe(0);
      const again = runCli(['generate', '--variant-of', '1', '--seed', '2', '--db', path]);
      expect([again.code, again.stderr]).toEqual([1, 'tsi-etl generate: schedule 2 is already the variant of schedule 1 with --seed 2 and --change 0.2: change --seed (or --change) for another one\n']);
      expect(runCli(['generate', '--variant-of', '1', '--seed', '3', '--db', path]).code).toBe(0);
    });
  });

  it('a negative number after an option is its value, checked by the option\'s own rule', () => {
    const r = runCli(['histogram', '--schedule', '1', '--bin-minutes', '-5', '--db', '/nonexistent/x.db']);
    expect([r.code, r.stderr]).toEqual([2, 'tsi-etl histogram: --bin-minutes: must be a positive number of minutes, got "-5"\n']);
    // A flag is still a flag, and an unknown option still an error.
    expect(runCli(['histogram', '--schedule', '1', '--scheduled', '-5']).code).toBe(2);
  });
});
