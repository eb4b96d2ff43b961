import mssql from 'mssql';

/** Serializes populates and deletes of one schedule across processes. */
export const scheduleWriteLock = (scheduleId: number): string => `tsi-etl:schedule:${scheduleId}`;
/** A backfill worker's claim on a schedule; distinct from the write lock, which the claimant's own populate takes. */
export const scheduleClaimLock = (scheduleId: number): string => `tsi-etl:claim:${scheduleId}`;
/** Serializes loads of schedules into the source tables (import, generate) across processes. */
export const SOURCE_LOAD_LOCK = 'tsi-etl:source-load';
/** Serializes `migrate` across processes. */
export const MIGRATION_LOCK = 'tsi-etl:migrate';

/**
 * Takes an exclusive application lock owned by the transaction, so it is
 * released by commit or rollback, or by the server when the session ends
 * (a crashed process never leaves a lock behind). Waits up to `timeoutMs`
 * (0: not at all). Returns sp_getapplock's result: 0 granted at once,
 * 1 granted after waiting, -1 timed out, -2 cancelled, -3 chosen as
 * deadlock victim, -999 invalid call; negative means not granted.
 */
export async function getAppLock(transaction: mssql.Transaction, resource: string, timeoutMs: number): Promise<number> {
  const result = await new mssql.Request(transaction)
    .input('Resource', mssql.NVarChar(255), resource)
    .input('LockMode', mssql.VarChar(32), 'Exclusive')
    .input('LockOwner', mssql.VarChar(32), 'Transaction')
    .input('LockTimeout', mssql.Int, timeoutMs)
    .execute('sp_getapplock');
  return result.returnValue as number;
}
