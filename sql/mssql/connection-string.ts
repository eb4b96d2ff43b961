import sql from 'mssql';
import { TsiError } from '../../base/errors.js';
import { REDACTED } from '../../base/logger.js';

/**
 * A connection string that cannot be parsed: a bad --db (or TSI_DB,
 * TSI_MSSQL_URL), so the CLI's exit 2 for bad arguments. Its message never
 * holds the password.
 */
export class ConnectionStringError extends TsiError {
  override readonly exitCode = 2;
}

const URL_FORM = /^(mssql|sqlserver):\/\//i;
const URL_EXAMPLE = 'mssql://user:password@host:1433/database?encrypt=true&trustServerCertificate=false';
const ADO_EXAMPLE = 'Server=host,1433;Database=database;User Id=user;Password=password;Encrypt=true';

/** Keys of an ADO string whose values are secrets. */
const ADO_SECRET = /(^|;)(\s*(?:password|pwd|client secret|msi secret|token)\s*=\s*)("(?:[^"]|"")*"|'(?:[^']|'')*'|\{(?:[^}]|\}\})*\}|[^;]*)/gi;

/** The URL query parameters understood, and where each goes in mssql's config. */
const URL_PARAMETERS = {
  encrypt: (c: sql.config, v: string) => (options(c).encrypt = flag('encrypt', v)),
  trustServerCertificate: (c: sql.config, v: string) => (options(c).trustServerCertificate = flag('trustServerCertificate', v)),
  instanceName: (c: sql.config, v: string) => (options(c).instanceName = v),
  connectionTimeout: (c: sql.config, v: string) => (c.connectionTimeout = milliseconds('connectionTimeout', v)),
  requestTimeout: (c: sql.config, v: string) => (c.requestTimeout = milliseconds('requestTimeout', v)),
} as const satisfies Record<string, (config: sql.config, value: string) => unknown>;

function options(config: sql.config): NonNullable<sql.config['options']> {
  config.options ??= {};
  return config.options;
}

function flag(name: string, value: string): boolean {
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw new ConnectionStringError(`SQL Server connection string: ${name} must be true or false, got "${value}"`);
}

function milliseconds(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConnectionStringError(`SQL Server connection string: ${name} must be a non-negative integer of milliseconds, got "${value}"`);
  return n;
}

/**
 * The connection string with its password (and any other secret) replaced
 * by REDACTED (`***`, the logs' marker too), for logs, errors and `Store.description`. Works on malformed
 * strings too: for a URL, everything between `://` and the last `@` after
 * the user name is hidden, so a password holding `@` or `/` never leaks
 * (at worst more than the password is hidden).
 */
export function redactConnectionString(connectionString: string): string {
  const scheme = URL_FORM.exec(connectionString);
  if (scheme === null) return connectionString.replace(ADO_SECRET, `$1$2${REDACTED}`);
  const rest = connectionString.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  const colon = rest.indexOf(':');
  if (at < 0 || colon < 0 || colon > at) return connectionString;
  return `${scheme[0]}${rest.slice(0, colon)}:${REDACTED}${rest.slice(at)}`;
}

function parseUrl(connectionString: string): sql.config {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    // Not `{ cause }`: the URL error carries the whole input, password included.
    throw new ConnectionStringError(`invalid SQL Server URL ${redactConnectionString(connectionString)} (expected ${URL_EXAMPLE})`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const config: sql.config = {
    server: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 1433 : Number(url.port),
    user: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    database: database === '' ? undefined : database,
    options: {},
  };
  if (config.server === '') throw new ConnectionStringError(`SQL Server URL ${redactConnectionString(connectionString)} names no host (expected ${URL_EXAMPLE})`);
  for (const [key, value] of url.searchParams) {
    const apply = (URL_PARAMETERS as Record<string, (c: sql.config, v: string) => unknown>)[key];
    if (apply === undefined) {
      throw new ConnectionStringError(`SQL Server URL: unknown parameter "${key}" (known: ${Object.keys(URL_PARAMETERS).join(', ')})`);
    }
    apply(config, value);
  }
  return config;
}

function parseAdo(connectionString: string): sql.config {
  let config: sql.config;
  try {
    config = sql.ConnectionPool.parseConnectionString(connectionString);
  } catch {
    // Not `{ cause }`: the parser's message may quote the string, password included.
    throw new ConnectionStringError(`invalid SQL Server connection string ${redactConnectionString(connectionString)} (expected ${ADO_EXAMPLE} or ${URL_EXAMPLE})`);
  }
  if (!config.server) throw new ConnectionStringError(`SQL Server connection string ${redactConnectionString(connectionString)} has no Server= (expected ${ADO_EXAMPLE})`);
  return config;
}

/**
 * Parses `mssql://user:password@host:port/database?encrypt=true&trustServerCertificate=false`
 * (also `sqlserver://`; user and password are URL-decoded; port defaults to
 * 1433; further parameters `instanceName`, `connectionTimeout`,
 * `requestTimeout`) or an ADO string `Server=host,port;Database=…;User Id=…;Password=…;Encrypt=…;TrustServerCertificate=…`
 * (parsed by mssql itself) into an `mssql` config. Options the string does
 * not set keep mssql's defaults (encrypt true, trustServerCertificate false).
 * @throws ConnectionStringError (a TsiError) naming the problem; its message never holds the password.
 */
export function parseConnectionString(connectionString: string): sql.config {
  return URL_FORM.test(connectionString) ? parseUrl(connectionString) : parseAdo(connectionString);
}
