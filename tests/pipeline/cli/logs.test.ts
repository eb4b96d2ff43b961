import { describe, expect, it } from 'vitest';
import { colorWanted } from '../../../base/logger.js';
import { insertSchedule, periodsJson, runCli, withStore } from '../../helpers.js';
import { hasScript, runOnTty } from './tty.js';

const ESC = '\x1b[';

/** Two good schedules and one whose second block has bad visibility JSON. */
async function withFailingSchedule(fn: (path: string) => Promise<void>): Promise<void> {
  await withStore(async (store, path) => {
    const good = { json: periodsJson([[60000, 60000.5]]) };
    await insertSchedule(store, [good, good], 'good-1');
    await insertSchedule(store, [good, { json: 'nope' }], 'bad');
    await insertSchedule(store, [good], 'good-2');
    await fn(path);
  });
}

describe('colorWanted', () => {
  it('follows FORCE_COLOR, then NO_COLOR, then whether stderr is a terminal', () => {
    expect(colorWanted({}, true)).toBe(true);
    expect(colorWanted({}, false)).toBe(false);
    expect(colorWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: 'false', NO_COLOR: '' }, true)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: '', NO_COLOR: '1' }, false)).toBe(true);
  });
});

describe('log level and colour (built CLI)', () => {
  it('rejects a bad TSI_LOG_LEVEL like a bad --log-level: exit 2, one line naming the variable', () => {
    const env = runCli(['schedules', '--db', '/nonexistent/x.db'], { TSI_LOG_LEVEL: 'bogus' });
    expect(env.code).toBe(2);
    expect(env.stderr).toBe('tsi-etl: TSI_LOG_LEVEL: must be one of fatal|error|warn|info|debug|trace|silent, got "bogus"\n');
    const flag = runCli(['schedules', '--log-level', 'bogus', '--db', '/nonexistent/x.db'], { TSI_LOG_LEVEL: 'info' });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe(env.stderr.replace('TSI_LOG_LEVEL', '--log-level'));
  });

  it('colours pretty logs only when asked: FORCE_COLOR forces it, NO_COLOR turns it off on a terminal', async () => {
    await withFailingSchedule(async (path) => {
      const args = ['populate', '--schedule', '1', '--db', path, '--log-level', 'info', '--log-format', 'pretty'];
      expect(runCli(args, { FORCE_COLOR: '1' }).stderr).toContain(ESC);
      expect(runCli(args, { FORCE_COLOR: '0' }).stderr).not.toContain(ESC);
      if (!hasScript) return;
      const ttyArgs = ['populate', '--schedule', '1', '--db', path];
      expect(runOnTty(ttyArgs)).toContain(`${ESC}32mINFO`);
      const plain = runOnTty(ttyArgs, { NO_COLOR: '1' });
      expect(plain).toContain('INFO: schedule populated');
      expect(plain).not.toContain(ESC);
    });
  });
});

describe('backfill failures in the log (built CLI)', () => {
  it('are one JSON event without a stack, the stack only at debug', async () => {
    await withFailingSchedule(async (path) => {
      const r = runCli(['backfill', '--db', path, '--log-format', 'json'], { TSI_LOG_LEVEL: 'info' });
      expect(r.code).toBe(1);
      const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const failed = events.filter((e) => e.event === 'backfill-failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ level: 50, scheduleId: 2, error: expect.stringMatching(/^schedule 2, block \d+: bad visibility_periods_json/) });
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
      const debug = runCli(['backfill', '--all', '--db', path, '--log-format', 'json', '--log-level', 'debug']);
      expect(debug.stderr).toMatch(/"stack":"BadInputError: schedule 2, block \d+: bad visibility_periods_json.*\\n +at /);
    });
  });

  it('are one pretty line each, on their own line below the progress bar, on a terminal', async () => {
    await withFailingSchedule(async (path) => {
      const pretty = runCli(['backfill', '--db', path, '--log-format', 'pretty'], { TSI_LOG_LEVEL: 'info', FORCE_COLOR: '0' });
      expect(pretty.stderr.split('\n').filter((l) => l.includes('schedule failed'))).toHaveLength(1);
      expect(pretty.stderr).not.toMatch(/\bat .*\.js:\d+/);
      expect(pretty.stderr.trim().split('\n').every((l) => /^\[[\d:.]+\] [A-Z]+: /.test(l))).toBe(true);
      if (!hasScript) return;
      const out = runOnTty(['backfill', '--all', '--db', path], { NO_COLOR: '1' });
      // The bar is erased (CR, ESC[K) before the failure's line, which starts at column 0 and is the only line about it.
      const failure = out.split('\n').filter((l) => l.includes('schedule failed'));
      expect(failure).toHaveLength(1);
      expect(failure[0]).toMatch(/\r\x1b\[K\[[\d:.]+\] ERROR: schedule failed: schedule 2, block \d+: bad visibility_periods_json/);
      expect(failure[0].split('\r\x1b[K').at(-1)).not.toContain('schedules');
      expect(out).toContain('3/3 schedules');
      expect(out).not.toMatch(/\bat .*\.js:\d+/);
    });
  });
});
