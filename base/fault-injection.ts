/**
 * Named points where tests can make a populate crash, to prove atomicity.
 * Set `TSI_FAULT=<point>[@<n>]:<kill|throw|exit>` (e.g. `after-batch@3:kill`):
 * at the n-th time (default 1st) the point is reached, the process is killed
 * with SIGKILL, an error is thrown, or the thread exits with code 70 (in a
 * worker thread that ends the worker alone, as if it had crashed). Worker
 * threads read the variable when they start and count their own points.
 * In-process tests can also run code of their own at a point
 * (`onFaultPoint`), e.g. to commit a change from another connection at an
 * exact moment. Without either, a point costs one lookup in an empty map.
 */
export type FaultPointName = 'before-first-write' | 'after-batch' | 'before-commit' | 'after-commit' | 'worker-chunk' | 'source-open' | 'computed';

function parse(spec: string | undefined): ((name: FaultPointName) => void) | undefined {
  if (!spec) return undefined;
  const m = /^([a-z-]+)(?:@(\d+))?:(kill|throw|exit)$/.exec(spec);
  if (!m) throw new Error(`TSI_FAULT=${spec}: expected <point>[@<n>]:<kill|throw|exit>`);
  const [, point, nth, action] = m;
  let remaining = Number(nth ?? 1);
  return (name) => {
    if (name !== point || --remaining !== 0) return;
    if (action === 'kill') process.kill(process.pid, 'SIGKILL');
    if (action === 'exit') process.exit(70);
    throw new Error(`injected fault at ${name}`);
  };
}

const active = parse(process.env.TSI_FAULT);
const hooks = new Map<FaultPointName, () => void>();

/** Runs `action` each time the point is reached in this thread, until the returned function is called. */
export function onFaultPoint(name: FaultPointName, action: () => void): () => void {
  hooks.set(name, action);
  return () => hooks.delete(name);
}

export function faultPoint(name: FaultPointName): void {
  active?.(name);
  hooks.get(name)?.();
}
