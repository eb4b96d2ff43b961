import type { Phase } from './table-specs.js';

/**
 * A run record's `source_fingerprint` says which source its phases were
 * computed from. Usually one source for all of them: its fingerprint. A
 * populate of some phases keeps the others, which may come from an older
 * source; the record then reads `mixed:<phases>:<fingerprint>`, naming the
 * phases computed from that source (the others are older), so that
 * `backfill --changed` and `verify` see the others as stale. (Keeping the
 * old fingerprint instead would read as current if the source were changed
 * back.) Short enough for the comparison cache's 64-character token.
 */
export interface RunSources {
  /** The source the `current` phases were computed from. */
  fingerprint: string;
  /** Phases computed from it; the run's other phases come from older sources. */
  current: readonly Phase[];
}

const MIXED = /^mixed:([1-3](?:,[1-3])*):(.+)$/;

/** What a run record listing `phases` says about their sources. */
export function runSources(recorded: string, phases: readonly Phase[]): RunSources {
  const m = MIXED.exec(recorded);
  if (m === null) return { fingerprint: recorded, current: phases };
  const current = m[1].split(',').map(Number);
  return { fingerprint: m[2], current: phases.filter((p) => current.includes(p)) };
}

/**
 * The fingerprint to record after a populate of `replaced` from the source
 * `fingerprint`, keeping `kept` phases of a run that recorded `previous`
 * (null when nothing is kept).
 */
export function recordedFingerprint(fingerprint: string, replaced: readonly Phase[], kept: readonly Phase[], previous: string | null): string {
  const before = previous === null ? null : runSources(previous, kept);
  // Kept phases stay current only if they came from this very source.
  const current = new Set([...replaced, ...(before?.fingerprint === fingerprint ? before.current : [])]);
  const all = [...new Set([...replaced, ...kept])].sort();
  if (all.every((p) => current.has(p))) return fingerprint;
  return `mixed:${[...current].sort().join(',')}:${fingerprint}`;
}

/** Whether the run's `wanted` phases were all computed from the source whose fingerprint is `fingerprint`. */
export function phasesCurrent(recorded: string, phases: readonly Phase[], wanted: readonly Phase[], fingerprint: string): boolean {
  const sources = runSources(recorded, phases);
  return sources.fingerprint === fingerprint && wanted.every((p) => sources.current.includes(p));
}
