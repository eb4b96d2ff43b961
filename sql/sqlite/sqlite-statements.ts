import { withoutLineComments } from '../migration-objects.js';

const TRIGGER_START = /^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\b/i;
/** Words that open (BEGIN, CASE) or close (END) a block inside a trigger body. */
const BLOCK_WORD = /\b(BEGIN|CASE|END)\b/gi;

/**
 * A migration's statements, split on `;` except inside a trigger body
 * (`CREATE TRIGGER … BEGIN …; …; END;` is one statement: its BEGIN and
 * CASE … END pairs are counted). Line comments are dropped; a migration must
 * keep `;`, and these words, out of string literals.
 */
export function sqliteStatements(sqlText: string): string[] {
  const statements: string[] = [];
  let pending = '';
  for (const piece of withoutLineComments(sqlText).split(';')) {
    pending = pending === '' ? piece : `${pending};${piece}`;
    if (TRIGGER_START.test(pending) && !blocksClosed(pending)) continue;
    if (pending.trim() !== '') statements.push(pending.trim());
    pending = '';
  }
  if (pending.trim() !== '') throw new Error(`unterminated trigger in migration: ${pending.trim().slice(0, 80)}…`);
  return statements;
}

/** Whether a trigger's text has opened its body and closed every block it opened. */
function blocksClosed(text: string): boolean {
  let depth = 0;
  let opened = false;
  for (const [, word] of text.matchAll(BLOCK_WORD)) {
    if (word.toUpperCase() === 'END') depth--;
    else {
      depth++;
      opened = true;
    }
  }
  return opened && depth === 0;
}
