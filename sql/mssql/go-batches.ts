import { TsiError } from '../../base/errors.js';

/** `GO`, optionally a repeat count, optionally a trailing `--` comment: sqlcmd's batch separator. */
const GO_LINE = /^\s*go(?:\s+(\d+))?\s*(?:--.*)?$/i;

/** What the scanner is inside of when a line ends. */
interface LexState {
  /** Nesting depth of `/* … *\/` (T-SQL block comments nest). */
  commentDepth: number;
  /** Inside a `'…'` literal, which may span lines. */
  inString: boolean;
}

/** Advances `state` over one line, so a `GO` inside a comment or a string is not taken for a separator. */
function scanLine(line: string, state: LexState): void {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    const next = line[i + 1];
    if (state.inString) {
      // '' inside a literal is an escaped quote: the second quote reopens the string.
      if (c === "'") state.inString = false;
    } else if (state.commentDepth > 0) {
      if (c === '*' && next === '/') {
        state.commentDepth--;
        i++;
      } else if (c === '/' && next === '*') {
        state.commentDepth++;
        i++;
      }
    } else if (c === "'") {
      state.inString = true;
    } else if (c === '/' && next === '*') {
      state.commentDepth = 1;
      i++;
    } else if (c === '-' && next === '-') {
      return;
    }
  }
}

/**
 * Splits a T-SQL script into batches the way sqlcmd does: a line holding
 * only `GO` (any case, surrounding blanks allowed) ends a batch, `GO n`
 * sends it n times, and a trailing batch without `GO` is sent too. A `GO`
 * inside a block comment or a string literal is text, not a separator.
 * Batches that are empty or blank are dropped.
 * @throws TsiError for `GO 0` (sqlcmd rejects it too).
 */
export function splitGoBatches(script: string): string[] {
  const batches: string[] = [];
  const state: LexState = { commentDepth: 0, inString: false };
  let current: string[] = [];
  const lines = script.split(/\r?\n/);
  const emit = (times: number) => {
    const text = current.join('\n').trim();
    current = [];
    if (text === '') return;
    for (let i = 0; i < times; i++) batches.push(text);
  };
  lines.forEach((line, index) => {
    const go = state.commentDepth === 0 && !state.inString ? GO_LINE.exec(line) : null;
    if (go === null) {
      current.push(line);
      scanLine(line, state);
      return;
    }
    const times = go[1] === undefined ? 1 : Number(go[1]);
    if (times < 1) throw new TsiError(`line ${index + 1}: GO ${go[1]}: the repeat count must be a positive integer`);
    emit(times);
  });
  emit(1);
  return batches;
}
