// Chooses the store from the database URL: a file path or sqlite: URL, or postgres://.
import { SqliteStore } from './sqlite/store.ts';
import type { Store } from './types.ts';

export async function openStore(databaseUrl: string): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('PostgreSQL is not available in this build yet');
  }
  const filename = databaseUrl.replace(/^sqlite:(\/\/)?/, '');
  const store = new SqliteStore(filename);
  await store.migrate();
  return store;
}
