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
    if (!databaseUrl) throw new Error('--store postgres needs --database-url postgres://user:pass@host:port/db');
    return { url: databaseUrl, description: databaseUrl.replace(/:[^:@/]*@/, ':***@'), cleanup: async () => {} };
  }
  if (databaseUrl) return { url: databaseUrl, description: databaseUrl, cleanup: async () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashbook-bench-'));
  const file = path.join(dir, 'bench.db');
  return {
    url: file,
    description: `${file} (fresh, WAL, synchronous=FULL)`,
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
