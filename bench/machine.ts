import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

/** Where and on what a bench ran: stored with its results. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  totalMemoryGb: number;
  node: string;
  /** `git rev-parse --short HEAD`, or null outside a git checkout. */
  commit: string | null;
  /** True when the working tree had uncommitted changes to tracked files. */
  dirty: boolean | null;
  /** ISO 8601, UTC. */
  date: string;
  /** 1-minute load average when the run started: other work on the machine skews timings. */
  loadAverage: number;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Not a git checkout (a tarball): the results say so with null.
    return null;
  }
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    totalMemoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: status === null ? null : status.length > 0,
    date: new Date().toISOString(),
    loadAverage: Number(loadavg()[0].toFixed(2)),
  };
}
