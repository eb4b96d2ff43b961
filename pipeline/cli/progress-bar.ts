import type { BackfillProgress } from '../backfill.js';
import { setStatusLine, type Logger } from '../../base/logger.js';
import { fmt } from './format.js';

export interface ProgressReporter {
  update(progress: BackfillProgress): void;
  /** Draws the last state and ends the line (TTY); logs nothing more otherwise. */
  finish(): void;
}

export interface ProgressReporterOptions {
  /** Milliseconds, monotonic. @default performance.now */
  now?: () => number;
  /** Least time between two redraws of the bar. @default 100 */
  redrawEveryMs?: number;
  /** Least time between two progress log events. @default 2000 */
  logEveryMs?: number;
  /** Characters of the bar itself. @default 24 */
  barWidth?: number;
}

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/**
 * One line: `[#####-------]  3/12 schedules  4,500 blocks/s  80% reused  ETA 0:27  1 failed`
 * (the share of blocks done whose visibility facts were reused, not parsed).
 * Schedules finished (done, skipped or failed) fill the bar; the ETA assumes
 * the rest go at the pace so far.
 */
export function progressLine(p: BackfillProgress, barWidth = 24): string {
  const finished = p.done + p.skipped + p.failed;
  const filled = p.total === 0 ? barWidth : Math.floor((finished / p.total) * barWidth);
  const rate = p.seconds > 0 ? Math.round(p.blocks / p.seconds) : 0;
  const eta = finished === 0 ? '-:--' : formatDuration((p.seconds / finished) * (p.total - finished));
  const reused = p.blocks > 0 ? Math.round((100 * p.reusedBlocks) / p.blocks) : 0;
  const line = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]  ${finished}/${p.total} schedules  ${fmt(rate)} blocks/s  ${reused}% reused  ETA ${eta}`;
  return p.failed > 0 ? `${line}  ${p.failed} failed` : line;
}

/** One line of status redrawn in place on a terminal; does nothing on other streams. */
export interface StatusLine {
  show(text: string): void;
  /** Erases the line (it is shown again by the next show). */
  erase(): void;
  /** Whether the line is on screen now (a log line erases it). */
  readonly visible: boolean;
  /** Stops: erases the line, or with `keep` ends it with a newline so it stays. */
  close(keep?: boolean): void;
}

/**
 * A status line on `stream` when it is a TTY. While open, every log line
 * erases it first (base/logger setStatusLine), so logs never land inside it.
 */
export function statusLine(stream: NodeJS.WritableStream & { isTTY?: boolean }): StatusLine {
  if (!stream.isTTY) return { show() {}, erase() {}, visible: false, close() {} };
  let visible = false;
  // \r back to column 0, then the text; ESC[K erases what a longer previous line left.
  const erase = () => {
    if (visible) stream.write('\r\x1b[K');
    visible = false;
  };
  setStatusLine(erase);
  return {
    show(text) {
      stream.write(`\r${text}\x1b[K`);
      visible = true;
    },
    erase,
    get visible() {
      return visible;
    },
    close(keep = false) {
      setStatusLine(undefined);
      if (keep && visible) stream.write('\n');
      else erase();
      visible = false;
    },
  };
}

/**
 * Backfill progress for a human or a log collector: on a TTY a status line
 * redrawn at most every `redrawEveryMs` (at once after a log line erased it);
 * otherwise a pino `info` event
 * `{event: 'backfill-progress', done, skipped, failed, total, blocksPerSec, reusedBlocks}`
 * at most every `logEveryMs`.
 */
export function progressReporter(stream: NodeJS.WritableStream & { isTTY?: boolean }, log: Logger, options: ProgressReporterOptions = {}): ProgressReporter {
  const clock = options.now ?? (() => performance.now());
  const barWidth = options.barWidth ?? 24;
  if (stream.isTTY) {
    const status = statusLine(stream);
    let last: BackfillProgress | undefined;
    const every = options.redrawEveryMs ?? 100;
    let drawnAt = Number.NEGATIVE_INFINITY;
    return {
      update(p) {
        last = p;
        const t = clock();
        if (status.visible && t - drawnAt < every) return;
        drawnAt = t;
        status.show(progressLine(p, barWidth));
      },
      finish() {
        if (last !== undefined) status.show(progressLine(last, barWidth));
        status.close(true);
      },
    };
  }
  const every = options.logEveryMs ?? 2000;
  let loggedAt = clock();
  return {
    update(p) {
      const t = clock();
      if (t - loggedAt < every) return;
      loggedAt = t;
      const blocksPerSec = p.seconds > 0 ? Math.round(p.blocks / p.seconds) : 0;
      log.info({ event: 'backfill-progress', done: p.done, skipped: p.skipped, failed: p.failed, total: p.total, blocksPerSec, reusedBlocks: p.reusedBlocks }, 'backfill progress');
    },
    finish() {},
  };
}
