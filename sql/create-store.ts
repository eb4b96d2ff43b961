import { existsSync } from 'node:fs';
import { ParameterError } from '../base/errors.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { WriteTurn } from './sqlite/write-turn.js';
import type { Store, StoreReopenSpec } from './store.js';

export interface OpenStoreOptions {
  /** Create an embedded database file that does not exist yet. @default false */
  create?: boolean;
}

/** A key of an ADO connection string other than the server's. */
const ADO_KEY = /(^|;)\s*(database|initial catalog|user id|uid|password|pwd|integrated security|encrypt|trustservercertificate)\s*=/i;

/** True for the connection strings that name a SQL Server. */
export function isMssqlTarget(db: string): boolean {
  return /^(mssql|sqlserver):\/\//i.test(db) || /(^|;)\s*(server|data source)\s*=/i.test(db);
}

/**
 * The one dialect switch: `mssql://…`, `sqlserver://…` or an ADO string
 * (`Server=…;Database=…`) opens SQL Server; a path or `sqlite:PATH` opens
 * the embedded SQLite file. The mssql module is loaded only when used.
 */
export async function openStore(db: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isMssqlTarget(db)) {
    const { MssqlStore } = await import('./mssql/mssql-store.js');
    return MssqlStore.connect(db);
  }
  // Another server's URL would otherwise be taken for a file name, and `migrate` would try to create it.
  const scheme = /^([a-z][\w+.-]*):\/\//i.exec(db);
  if (scheme !== null && scheme[1].toLowerCase() !== 'sqlite') {
    throw new ParameterError('--db', `${scheme[1]}:// is not a database tsi-etl can use: give a SQLite file path (or sqlite:PATH), or a SQL Server target (mssql://user:pass@host:port/db, or Server=…;Database=…)`);
  }
  // Taken for a file name, an ADO string without its server would be echoed, password and all, by "does not exist".
  if (!db.startsWith('sqlite:') && ADO_KEY.test(db) && !existsSync(db)) {
    throw new ParameterError('--db', 'looks like a SQL Server connection string without Server= (or Data Source=): add Server=host,port, or write sqlite:PATH for a SQLite file of that name (the string is not shown: it may hold a password)');
  }
  const path = db.startsWith('sqlite:') ? db.slice('sqlite:'.length) : db;
  return new SqliteStore({ path, create: options.create ?? false });
}

/**
 * `openStore` for a command that needs the schema: a database missing
 * migrations (never migrated, or older than this release) fails here with one
 * line saying to run `tsi-etl migrate`, before any read or write.
 */
export async function openMigratedStore(db: string): Promise<Store> {
  const store = await openStore(db);
  try {
    await store.healthcheck();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** Opens, in this thread, the database another thread's store described with `reopenSpec()`. */
export function reopenStore(spec: StoreReopenSpec): Store {
  return new SqliteStore(spec.config);
}

/** After a thread that opened `spec` ended, frees what it held of this process's write turn (it may have died writing). */
export function releaseWritesOf(spec: StoreReopenSpec, threadId: number): void {
  new WriteTurn(spec.config.writeTurn).releaseHeldBy(threadId);
}

/** `--db`, else TSI_DB, else TSI_MSSQL_URL, else ./tsi.db. */
export function defaultDbTarget(env: NodeJS.ProcessEnv = process.env): string {
  return env.TSI_DB || env.TSI_MSSQL_URL || './tsi.db';
}
