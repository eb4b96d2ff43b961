import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TsiError } from '../../base/errors.js';
import { parseConnectionString, redactConnectionString } from '../../sql/mssql/connection-string.js';
import { MssqlStore } from '../../sql/mssql/mssql-store.js';
import { runCli } from '../helpers.js';

const SECRET = 'Sup3r$ecret;pw';

/** The thrown error, which must be a TsiError. */
function thrown(fn: () => unknown): TsiError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TsiError);
    return error as TsiError;
  }
  throw new Error('expected an error');
}

describe('parseConnectionString, URL form', () => {
  it('reads every part, URL-decoding user, password and database', () => {
    const url = `mssql://etl%40corp:${encodeURIComponent('p@ss:w/rd')}@db.example.com:1444/tsi%20prod?encrypt=true&trustServerCertificate=false`;
    expect(parseConnectionString(url)).toEqual({
      server: 'db.example.com',
      port: 1444,
      user: 'etl@corp',
      password: 'p@ss:w/rd',
      database: 'tsi prod',
      options: { encrypt: true, trustServerCertificate: false },
    });
  });

  it('accepts sqlserver://, defaults the port to 1433 and leaves unset options to mssql', () => {
    expect(parseConnectionString('sqlserver://sa:pw@localhost/tsi')).toEqual({
      server: 'localhost',
      port: 1433,
      user: 'sa',
      password: 'pw',
      database: 'tsi',
      options: {},
    });
  });

  it('reads IPv6 hosts, a missing database and the extra parameters', () => {
    expect(parseConnectionString('mssql://u:p@[::1]:1500?encrypt=no&instanceName=SQLEXPRESS&connectionTimeout=5000&requestTimeout=0')).toEqual({
      server: '::1',
      port: 1500,
      user: 'u',
      password: 'p',
      database: undefined,
      connectionTimeout: 5000,
      requestTimeout: 0,
      options: { encrypt: false, instanceName: 'SQLEXPRESS' },
    });
  });

  it('names an unknown parameter or a bad value, never the password', () => {
    const unknown = thrown(() => parseConnectionString(`mssql://u:${SECRET}@h/db?password=x`));
    expect(unknown.message).toMatch(/unknown parameter "password" \(known: encrypt, trustServerCertificate, instanceName, connectionTimeout, requestTimeout\)/);
    const bad = thrown(() => parseConnectionString(`mssql://u:${SECRET}@h/db?encrypt=maybe`));
    expect(bad.message).toBe('SQL Server connection string: encrypt must be true or false, got "maybe"');
    const timeout = thrown(() => parseConnectionString('mssql://u:p@h/db?requestTimeout=-1'));
    expect(timeout.message).toMatch(/requestTimeout must be a non-negative integer/);
  });

  it('rejects an unparsable URL with the redacted string only', () => {
    const error = thrown(() => parseConnectionString(`mssql://sa:${SECRET}@db:notaport/tsi`));
    expect(error.message).toContain('invalid SQL Server URL mssql://sa:***@db:notaport/tsi');
    expect(error.message).not.toContain('Sup3r');
    expect(error.cause).toBeUndefined();
  });
});

describe('parseConnectionString, ADO form', () => {
  it('is parsed by mssql, quoted passwords included', () => {
    expect(parseConnectionString('Server=db.example.com,1444;Database=tsi;User Id=etl;Password="a;b=c";Encrypt=true;TrustServerCertificate=false')).toEqual({
      server: 'db.example.com',
      port: 1444,
      database: 'tsi',
      user: 'etl',
      password: 'a;b=c',
      options: { encrypt: true, trustServerCertificate: false },
      pool: {},
    });
  });

  it('requires a server and keeps the password out of every error', () => {
    const noServer = thrown(() => parseConnectionString(`Database=tsi;User Id=etl;Password=${SECRET.replace(';', '')}`));
    expect(noServer.message).toBe('SQL Server connection string Database=tsi;User Id=etl;Password=*** has no Server= (expected Server=host,1433;Database=database;User Id=user;Password=password;Encrypt=true)');
    const unterminated = thrown(() => parseConnectionString(`Server=h;Password="${SECRET}`));
    expect(unterminated.message).toMatch(/^invalid SQL Server connection string Server=h;Password=\*\*\*/);
    expect(unterminated.message).not.toContain('Sup3r');
  });
});

describe('redactConnectionString', () => {
  it('hides the password of a URL, even one holding @ or /', () => {
    expect(redactConnectionString('mssql://etl:pw@db:1433/tsi?encrypt=true')).toBe('mssql://etl:***@db:1433/tsi?encrypt=true');
    expect(redactConnectionString('sqlserver://etl:p@s/s@db/tsi')).toBe('sqlserver://etl:***@db/tsi');
  });

  it('leaves a URL without a password alone', () => {
    expect(redactConnectionString('mssql://db:1433/tsi')).toBe('mssql://db:1433/tsi');
    expect(redactConnectionString('mssql://etl@db:1433/tsi')).toBe('mssql://etl@db:1433/tsi');
  });

  it('hides Password, Pwd and other secrets of an ADO string, quoted or not', () => {
    expect(redactConnectionString('Server=h;User Id=u;Password=pw;Database=d')).toBe('Server=h;User Id=u;Password=***;Database=d');
    expect(redactConnectionString('PWD = "a;b""c" ; Server=h')).toBe('PWD = *** ; Server=h');
    expect(redactConnectionString("Server=h;password='x;y';Client Secret={s;}}t};Token=abc")).toBe('Server=h;password=***;Client Secret=***;Token=***');
  });

  it('hides any password in either form', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (password) => {
        expect(redactConnectionString(`mssql://user:${password}@host:1433/db`)).toBe('mssql://user:***@host:1433/db');
        expect(redactConnectionString(`mssql://user:${encodeURIComponent(password)}@host/db`)).toBe('mssql://user:***@host/db');
        const quoted = `"${password.replaceAll('"', '""')}"`;
        expect(redactConnectionString(`Server=host;User Id=user;Password=${quoted};Database=db`)).toBe('Server=host;User Id=user;Password=***;Database=db');
      }),
    );
  });
});

describe('MssqlStore.connect', () => {
  it('fails on a bad string before connecting, without the password', async () => {
    await expect(MssqlStore.connect(`Database=tsi;Password=${SECRET.replace(';', '')}`)).rejects.toThrow(/has no Server=/);
  });

  it('names the server, never the password, when the connection fails', async () => {
    // Port 1 on the loopback refuses at once: no server is needed to see the error.
    const error: unknown = await MssqlStore.connect(`mssql://sa:${encodeURIComponent(SECRET)}@127.0.0.1:1/tsi?connectionTimeout=3000&encrypt=false`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TsiError);
    const message = (error as TsiError).message;
    expect(message).toMatch(/^cannot connect to SQL Server mssql:\/\/sa:\*\*\*@127\.0\.0\.1:1\/tsi\?connectionTimeout=3000&encrypt=false: /);
    expect(message).not.toContain('Sup3r');
    expect(String((error as TsiError).cause)).not.toContain('Sup3r');
  });
});

// Runs the BUILT cli: `npm test` builds first.
describe('a connection string that cannot be parsed, on the command line', () => {
  it('is a bad argument (exit 2) with the same one line, from --db or TSI_DB alike, never with the password', () => {
    const expected = (target: string, problem: string) => `tsi-etl schedules: ${problem.replace('TARGET', target)}\n`;
    for (const [target, problem] of [
      ['mssql://bad url', 'invalid SQL Server URL TARGET (expected mssql://user:password@host:1433/database?encrypt=true&trustServerCertificate=false)'],
      [`mssql://u:${encodeURIComponent(SECRET)}@h/db?encrypt=maybe`, 'SQL Server connection string: encrypt must be true or false, got "maybe"'],
      [`mssql://u:${encodeURIComponent(SECRET)}@h/db?pool=9`, 'SQL Server URL: unknown parameter "pool" (known: encrypt, trustServerCertificate, instanceName, connectionTimeout, requestTimeout)'],
    ]) {
      const flag = runCli(['schedules', '--db', target]);
      expect([flag.code, flag.stdout, flag.stderr]).toEqual([2, '', expected(target, problem)]);
      expect(flag.stderr).not.toContain('Sup3r');
      const env = runCli(['schedules'], { TSI_DB: target });
      expect([env.code, env.stderr]).toEqual([2, expected(target, problem)]);
    }
  });
});
