import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI } from '../../helpers.js';

const root = new URL('../../../', import.meta.url);
const LIBRARY = new URL('dist/pipeline/index.js', root);

/** The ```ts block under "## Library API" in README.md, verbatim. */
function readmeSnippet(): string {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const section = readme.split('\n## Library API\n')[1]?.split('\n## ')[0] ?? '';
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error('README.md: no ```ts block under "## Library API"');
  return code;
}

describe('the README library snippet', () => {
  it('uses every function it imports', () => {
    const snippet = readmeSnippet();
    const imported = /import \{([^}]*)\} from 'tsi-etl';/.exec(snippet)![1].split(',').map((s) => s.trim());
    expect(imported.length).toBeGreaterThan(0);
    const body = snippet.slice(snippet.indexOf('\n'));
    for (const name of imported) expect(body, name).toContain(`${name}(`);
  });

  it('runs as written after the demo (in a temp dir, importing the built package)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsi-readme-'));
    try {
      const env = { ...process.env, TSI_LOG_LEVEL: 'warn' };
      const demo = spawnSync(process.execPath, [CLI, 'demo', '--blocks', '60', '--days', '8'], { cwd: dir, encoding: 'utf8', env });
      expect(demo.status, demo.stderr).toBe(0);
      writeFileSync(join(dir, 'snippet.mjs'), readmeSnippet().replace("from 'tsi-etl'", `from ${JSON.stringify(pathToFileURL(LIBRARY.pathname).href)}`));
      const run = spawnSync(process.execPath, ['snippet.mjs'], { cwd: dir, encoding: 'utf8', env });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^60 blocks in \d+\.\d\d s\n60 blocks, the first in priority bucket [1-4]\n\d+ days, \d+ blocks visible on the first\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
