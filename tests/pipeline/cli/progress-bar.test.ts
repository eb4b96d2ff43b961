import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { BackfillProgress } from '../../../pipeline/backfill.js';
import { formatDuration, progressLine, progressReporter } from '../../../pipeline/cli/progress-bar.js';

const p = (done: number, seconds: number, extra: Partial<BackfillProgress> = {}): BackfillProgress => ({ total: 10, done, skipped: 0, failed: 0, blocks: done * 1000, reusedBlocks: 0, seconds, ...extra });

/** A writable that keeps what is written, optionally pretending to be a terminal. */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY?: boolean };
  if (isTTY) stream.isTTY = true;
  return { stream, chunks };
}

describe('progressLine', () => {
  it('shows finished/total, blocks/s, ETA and failures', () => {
    expect(progressLine(p(3, 6, { skipped: 1, failed: 1 }), 10)).toBe('[#####-----]  5/10 schedules  500 blocks/s  0% reused  ETA 0:06  1 failed');
    expect(progressLine(p(0, 0), 4)).toBe('[----]  0/10 schedules  0 blocks/s  0% reused  ETA -:--');
    expect(progressLine({ total: 0, done: 0, skipped: 0, failed: 0, blocks: 0, reusedBlocks: 0, seconds: 0 }, 4)).toBe('[####]  0/0 schedules  0 blocks/s  0% reused  ETA -:--');
    expect(progressLine(p(1, 400, { blocks: 12_345_678 }), 4)).toBe('[----]  1/10 schedules  30,864 blocks/s  0% reused  ETA 1:00:00');
    expect(progressLine(p(4, 2, { reusedBlocks: 3000 }), 4)).toBe('[#---]  4/10 schedules  2,000 blocks/s  75% reused  ETA 0:03');
  });

  it('keeps the bar its width and fills it in proportion, for any progress', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.nat(100), fc.nat(100), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 80 }), (done, skipped, failed, pending, width) => {
        const total = done + skipped + failed + pending;
        const bar = /^\[(#*)(-*)\]/.exec(progressLine({ total, done, skipped, failed, blocks: 0, reusedBlocks: 0, seconds: 1 }, width))!;
        expect(bar[1].length + bar[2].length).toBe(width);
        expect(bar[1].length).toBe(Math.floor(((done + skipped + failed) / total) * width));
      }),
    );
  });
});

describe('formatDuration', () => {
  it('is m:ss below an hour and h:mm:ss from an hour on', () => {
    expect([0, 59.4, 61, 3599, 3600, 36_061].map(formatDuration)).toEqual(['0:00', '0:59', '1:01', '59:59', '1:00:00', '10:01:01']);
  });
});

describe('progressReporter', () => {
  it('on a TTY redraws one line in place, at most every redrawEveryMs, and ends it on finish', () => {
    const { stream, chunks } = sink(true);
    let t = 0;
    const bar = progressReporter(stream, pino({ level: 'silent' }), { now: () => t, redrawEveryMs: 100, barWidth: 4 });
    bar.update(p(0, 0));
    t = 50;
    bar.update(p(1, 0.05));
    t = 150;
    bar.update(p(2, 0.15));
    bar.finish();
    expect(chunks).toEqual([
      '\r[----]  0/10 schedules  0 blocks/s  0% reused  ETA -:--\x1b[K',
      '\r[----]  2/10 schedules  13,333 blocks/s  0% reused  ETA 0:01\x1b[K',
      '\r[----]  2/10 schedules  13,333 blocks/s  0% reused  ETA 0:01\x1b[K',
      '\n',
    ]);
  });

  it('elsewhere logs a backfill-progress event at most every logEveryMs and writes nothing to the stream', () => {
    const { stream, chunks } = sink(false);
    const logged: Record<string, unknown>[] = [];
    const log = pino({ base: undefined, timestamp: false }, { write: (line: string) => logged.push(JSON.parse(line)) });
    let t = 0;
    const reporter = progressReporter(stream, log, { now: () => t, logEveryMs: 2000 });
    for (const [time, done] of [[0, 0], [1000, 1], [2000, 2], [3999, 3], [4000, 4]]) {
      t = time;
      reporter.update(p(done, time / 1000, { failed: 1 }));
    }
    reporter.finish();
    expect(chunks).toEqual([]);
    expect(logged).toEqual([
      { level: 30, event: 'backfill-progress', done: 2, skipped: 0, failed: 1, total: 10, blocksPerSec: 1000, reusedBlocks: 0, msg: 'backfill progress' },
      { level: 30, event: 'backfill-progress', done: 4, skipped: 0, failed: 1, total: 10, blocksPerSec: 1000, reusedBlocks: 0, msg: 'backfill progress' },
    ]);
  });
});
