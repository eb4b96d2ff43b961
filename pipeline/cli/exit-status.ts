/*
 * What a command has found so far that makes its exit code 1, for a command
 * that ends early because its reader closed stdout (`tsi-etl verify --all |
 * head -1`): that end is quiet, but must not turn a failure already found
 * (drift, a failed schedule) into exit 0.
 */
let failureFound = false;

/** Records that the command's exit code will be 1, before it writes what it found. */
export function noteFailure(): void {
  failureFound = true;
}

/** The exit code for a command ended early: 1 when it had found a failure, else 0. */
export function earlyExitCode(): number {
  return failureFound ? 1 : 0;
}
