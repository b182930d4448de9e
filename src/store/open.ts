// Chooses the store from the database URL: a file path or sqlite: URL, or postgres://.
// Each store is imported only when chosen: a SQLite server never loads pg, and starts sooner.
import type { Store } from './types.ts';
import { isPostgresUrl, unsupportedScheme } from './url.ts';

/** CASHBOOK_DATABASE_TIMEOUT_MS unset: a PostgreSQL statement unanswered for 30 s fails its request. */
export const DEFAULT_DATABASE_TIMEOUT_MS = 30_000;

export interface OpenOptions {
  /** Connections in the PostgreSQL pool (CASHBOOK_DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** How long a PostgreSQL statement may go unanswered (CASHBOOK_DATABASE_TIMEOUT_MS). */
  timeoutMs?: number;
}

export async function openStore(databaseUrl: string, options: OpenOptions = {}): Promise<Store> {
  const scheme = unsupportedScheme(databaseUrl);
  if (scheme) throw new Error(`database URL scheme ${scheme}: is not supported: give a SQLite file path, a sqlite: URL or a postgres:// URL`);
  if (isPostgresUrl(databaseUrl)) {
    const poolSize = options.poolSize ?? positiveFromEnv('CASHBOOK_DATABASE_POOL_SIZE');
    if (poolSize !== undefined && !(Number.isInteger(poolSize) && poolSize >= 1)) {
      throw new Error(`CASHBOOK_DATABASE_POOL_SIZE must be a positive integer, got ${poolSize}`);
    }
    const { PostgresStore } = await import('./postgres/store.ts');
    const store = new PostgresStore(databaseUrl, { poolSize, timeoutMs: options.timeoutMs ?? positiveFromEnv('CASHBOOK_DATABASE_TIMEOUT_MS') });
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }
  const filename = databaseUrl.replace(/^sqlite:(\/\/)?/, '');
  const { SqliteStore } = await import('./sqlite/store.ts');
  const store = new SqliteStore(filename);
  await store.migrate();
  return store;
}

function positiveFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}
