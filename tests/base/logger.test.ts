import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../base/logger.js';
import { redactConnectionString } from '../../sql/mssql/connection-string.js';

const LOGGER = new URL('../../dist/base/logger.js', import.meta.url).href;

describe('one marker for redacted secrets', () => {
  it('is the same in log fields and in connection strings shown in errors', () => {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const { createLogger } = await import(${JSON.stringify(LOGGER)});
      createLogger({ level: 'info', format: 'json' }).info({ db: 'mssql://etl:secret@h/tsi', nested: { password: 'secret' } }, 'opened');
    `], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const line = JSON.parse(child.stderr) as { db: string; nested: { password: string } };
    expect(line.db).toBe(REDACTED);
    expect(line.nested.password).toBe(REDACTED);
    expect(redactConnectionString('mssql://etl:secret@h/tsi')).toBe(`mssql://etl:${REDACTED}@h/tsi`);
    expect(redactConnectionString('Server=h;Password=secret;Database=tsi')).toContain(`Password=${REDACTED}`);
    expect(REDACTED).toBe('***');
  });
});
