import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../helpers.js';

describe('tsi-etl demo', () => {
  it('migrates, generates, populates in its own process and reports; the next commands it suggests work', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsi-demo-'));
    const db = join(dir, 'demo.db');
    try {
      const r = runCli(['demo', '--db', db, '--blocks', '60', '--days', '8']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/generated schedule 1: 60 blocks × 8 days/);
      expect(r.stdout).toMatch(/schedule 1: 60 blocks, [\d,]+ visibility periods/);
      expect(r.stdout).toMatch(/peak RSS of the populate process: \d+ MB/);
      for (const args of [['schedules'], ['summary', '--schedule', '1'], ['histogram', '--schedule', '1', '--bin-minutes', '1440'], ['verify', '--schedule', '1']]) {
        const next = runCli([...args, '--db', db]);
        expect(next.code, `${args.join(' ')}: ${next.stderr}`).toBe(0);
      }
      expect(runCli(['demo', '--db', 'mssql://u:p@h/db']).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
