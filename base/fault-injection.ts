/**
 * Named points where tests can make a populate crash, to prove atomicity.
 * Set `TSI_FAULT=<point>[@<n>]:<kill|throw|exit>` (e.g. `after-batch@3:kill`):
 * at the n-th time (default 1st) the point is reached, the process is killed
 * with SIGKILL, an error is thrown, or the thread exits with code 70 (in a
 * worker thread that ends the worker alone, as if it had crashed). Worker
 * threads read the variable when they start and count their own points.
 * Without the variable, `faultPoint` is a no-op chosen once at startup, so
 * production pays nothing.
 */
export type FaultPointName = 'before-first-write' | 'after-batch' | 'before-commit' | 'after-commit' | 'worker-chunk';

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

export const faultPoint: (name: FaultPointName) => void = active ?? (() => {});
