// Where the bench's database lives. SQLite: a fresh temp file (the default). PostgreSQL: the
// URL given with --database-url (an embedded server can be started here instead).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type BenchStore = 'sqlite' | 'postgres';

export interface BenchDatabase {
  url: string;
  /** For the report: where the data is. */
  description: string;
  cleanup(): Promise<void>;
}

export async function benchDatabase(store: BenchStore, databaseUrl?: string): Promise<BenchDatabase> {
  if (store === 'postgres') {
    if (databaseUrl) return { url: databaseUrl, description: databaseUrl.replace(/:[^:@/]*@/, ':***@'), cleanup: async () => {} };
    // No URL: a throwaway embedded PostgreSQL with its default durability (fsync on,
    // synchronous_commit on), reached over its Unix socket, removed afterwards.
    const { createDatabase, startEmbeddedPostgres } = await import('../test/postgres/embedded.ts');
    const server = await startEmbeddedPostgres();
    try {
      const url = await createDatabase(server.socketUrl, 'cashbook_bench');
      return {
        url,
        description: `embedded PostgreSQL ${await serverVersion(url)} in ${server.dataDir} (fresh, fsync=on, synchronous_commit=on, Unix socket)`,
        cleanup: () => server.stop(),
      };
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  if (databaseUrl) return { url: databaseUrl, description: databaseUrl, cleanup: async () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashbook-bench-'));
  const file = path.join(dir, 'bench.db');
  return {
    url: file,
    description: `${file} (fresh, WAL, synchronous=NORMAL with the WAL fdatasynced before each answer)`,
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

async function serverVersion(url: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  } finally {
    await client.end();
  }
}
