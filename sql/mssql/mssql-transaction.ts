import mssql from 'mssql';

/** mssql's codes for "there is no transaction left to roll back" (never begun, ended, or aborted by the server). */
const ALREADY_ENDED = new Set(['ENOTBEGUN', 'EABORT']);

/**
 * Rolls back, treating a transaction that has already ended as rolled back:
 * after a failed commit mssql has released the connection, and with
 * XACT_ABORT the server has already rolled back the failed transaction.
 */
export async function rollbackQuietly(transaction: mssql.Transaction): Promise<void> {
  try {
    await transaction.rollback();
  } catch (error) {
    if (!ALREADY_ENDED.has((error as { code?: string }).code ?? '')) throw error;
  }
}

/** Begins a READ COMMITTED transaction on a connection of the pool. */
export async function beginTransaction(pool: mssql.ConnectionPool): Promise<mssql.Transaction> {
  const transaction = new mssql.Transaction(pool);
  await transaction.begin(mssql.ISOLATION_LEVEL.READ_COMMITTED);
  return transaction;
}

/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: mssql.ConnectionPool, work: (transaction: mssql.Transaction) => Promise<T>): Promise<T> {
  const transaction = await beginTransaction(pool);
  let result: T;
  try {
    result = await work(transaction);
  } catch (error) {
    await rollbackQuietly(transaction);
    throw error;
  }
  await transaction.commit();
  return result;
}
