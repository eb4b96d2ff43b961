import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * Constructs that compile but do not run on every T-SQL server, kept out of
 * all code that can reach SQL Server (everything but the SQLite store):
 * kysely's `.limit()` compiles to `limit @n`, which is not T-SQL; `MERGE`
 * is refused by Babelfish; `.offset()` needs an ORDER BY and FETCH there.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIRS = ['queries', 'sql', 'pipeline', 'stages'];
const FORBIDDEN: [RegExp, string][] = [
  [/\.limit\(/, 'kysely .limit() (T-SQL has no LIMIT: use an aggregate, or .top() in SQL Server-only code)'],
  [/\.offset\(/, 'kysely .offset()'],
  [/\bMERGE\b/, 'MERGE (Babelfish refuses it)'],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'sqlite' ? [] : sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('code that can run on SQL Server', () => {
  it('uses no construct some T-SQL servers refuse', () => {
    const found: string[] = [];
    for (const file of DIRS.flatMap((d) => sourceFiles(join(ROOT, d)))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        // Comments may name them, to say why they are not used.
        if (/^\s*(\/\/|\*|\/\*)/.test(line)) return;
        for (const [pattern, what] of FORBIDDEN) if (pattern.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${what}`);
      });
    }
    expect(found).toEqual([]);
  });
});
