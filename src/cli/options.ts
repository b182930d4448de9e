// What the subcommands share: option parsers that refuse bad values with one plain line, the
// database option, and opening a store with errors a user can act on.
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Store } from '../store/types.ts';
import { isPostgresUrl, redactUrl, sqliteFile, unsupportedScheme } from '../store/url.ts';
import { CliError, errorCode, plainMessage } from './errors.ts';

export { isPostgresUrl, sqliteFile };

export const DEFAULT_DATABASE = './cashbook.db';

/** A TCP port, for commander (`--port abc` is refused by name). */
export function portOption(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a whole number from 0 to 65535.');
  return port;
}

export function positiveIntOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number.');
  return n;
}

/** A port from the environment, or the default; a bad value names its variable. */
export function envPort(env: NodeJS.ProcessEnv, fallback: number): number {
  const name = env.CASHBOOK_PORT !== undefined && env.CASHBOOK_PORT !== '' ? 'CASHBOOK_PORT' : env.PORT !== undefined && env.PORT !== '' ? 'PORT' : undefined;
  if (!name) return fallback;
  try {
    return portOption(env[name]!);
  } catch {
    throw new CliError(`${name}=${env[name]} is not a port: it must be a whole number from 0 to 65535`);
  }
}

export function addDatabaseOption(command: Command): Command {
  return command.option('--database-url <url>', `SQLite file or sqlite:/postgres:// URL (CASHBOOK_DATABASE_URL; default ${DEFAULT_DATABASE})`);
}

export function databaseUrl(options: { databaseUrl?: string }): string {
  const url = options.databaseUrl ?? (process.env.CASHBOOK_DATABASE_URL || DEFAULT_DATABASE);
  const scheme = unsupportedScheme(url);
  // Refused before anything opens it: `mysql:thing` must not become a SQLite file of that name.
  if (scheme) throw new CliError(`cannot use the database ${redactUrl(url)}: Cashbook takes a SQLite file path, a sqlite: URL or a postgres:// URL, not ${scheme}:`);
  if (isInMemory(url)) throw new CliError(`cannot use the database ${JSON.stringify(url)}: an in-memory or temporary SQLite database is not supported: the server opens two connections to it (writes, reads), and each would see an empty one of its own: give a file path`);
  return url;
}

function isInMemory(url: string): boolean {
  if (isPostgresUrl(url)) return false;
  const file = sqliteFile(url);
  return file.trim() === '' || file === ':memory:'; // better-sqlite3 takes no file: URIs: `file::memory:` is a file of that name
}

/**
 * Start-up checks of a SQLite file before `serve` or `migrate` opens it for writing: that this
 * process may write it, and that it is not corrupt (src/store/sqlite/preflight.ts).
 */
export async function checkDatabase(url: string): Promise<void> {
  if (isPostgresUrl(url)) return;
  const file = sqliteFile(url);
  if (!fs.existsSync(file)) return; // made by the open, in a folder that must be writable
  if (fs.statSync(file).isDirectory()) throw new CliError(`${file} is a directory, not a database file`);
  const { preflightSqlite } = await import('../store/sqlite/preflight.ts');
  try {
    preflightSqlite(file);
  } catch (error) {
    throw databaseError(url, error);
  }
}

/** Refuses a SQLite file that does not exist, for commands that only read or change a database. */
export function requireExisting(url: string): void {
  if (isPostgresUrl(url)) return;
  const file = sqliteFile(url);
  if (!fs.existsSync(file)) throw new CliError(`no database at ${file} (start the server once to create it, or pass --database-url)`);
  if (fs.statSync(file).isDirectory()) throw new CliError(`${file} is a directory, not a database file`);
}

/** Why a database could not be opened, in one line. */
export function databaseError(url: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (isPostgresUrl(url)) {
    const code = errorCode(error);
    const reason = code === 'ECONNREFUSED' ? 'connection refused (is PostgreSQL running there?)' : plainMessage(error);
    return new CliError(`cannot use the PostgreSQL database ${redactUrl(url)}: ${reason}`);
  }
  const file = sqliteFile(url);
  const sqliteCode = (error as { code?: string }).code;
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) return new CliError(`cannot open the SQLite database ${file}: folder ${dir} does not exist`);
  if (sqliteCode === 'SQLITE_CANTOPEN') return new CliError(`cannot open the SQLite database ${file} (permission denied?)`);
  if (sqliteCode === 'SQLITE_NOTADB') return new CliError(`${file} is not a SQLite database`);
  return new CliError(`cannot use the SQLite database ${file}: ${plainMessage(error)}`);
}

/** Opens (and migrates) the store, with a plain error line on failure. */
export async function openDatabase(url: string, options: { poolSize?: number; timeoutMs?: number } = {}): Promise<Store> {
  const { openStore } = await import('../store/open.ts');
  try {
    return await openStore(url, options);
  } catch (error) {
    throw databaseError(url, error);
  }
}
