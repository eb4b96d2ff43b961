/**
 * Errors a user can act on. Each names what it is about; the CLI prints the
 * message alone (no stack) unless `--log-level debug`.
 */
export class TsiError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad visibility JSON (SEMANTICS "Bad input"): names schedule, block and problem. */
export class BadInputError extends TsiError {
  constructor(
    readonly scheduleId: number,
    readonly blockId: number,
    readonly problem: string,
  ) {
    super(`schedule ${scheduleId}, block ${blockId}: bad visibility_periods_json: ${problem} (use --lenient to write such blocks flagged visibility_invalid = 1 and report them)`);
  }
}

export class UnknownScheduleError extends TsiError {
  constructor(readonly scheduleId: number) {
    super(`schedule ${scheduleId} does not exist (run \`tsi-etl schedules\` to list them)`);
  }
}

export class DuplicateScheduleError extends TsiError {
  constructor(readonly checksum: string, readonly existingScheduleId: number) {
    super(`a schedule with checksum ${checksum} is already stored as schedule ${existingScheduleId}`);
  }
}

/** A parameter that cannot be used, named as the user wrote it. */
export class ParameterError extends TsiError {
  override readonly exitCode = 2;
  constructor(readonly parameter: string, problem: string) {
    super(`${parameter}: ${problem}`);
  }
}

/** A failure inside one pipeline stage, keeping the stage name and the cause. */
export class StageError extends TsiError {
  constructor(readonly stage: string, cause: unknown) {
    super(`${stage} stage failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Only transient I/O and lock timeouts are worth retrying; data errors never are. */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'ETIMEOUT' || code === 'ESOCKET' || code === 'ECONNRESET';
}
