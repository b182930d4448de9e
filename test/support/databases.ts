// Which database a test's Stripe client talks to, so that the ledger checks
// (test/support/invariants.ts) can run the auditor (src/verify/) on it: servers register their
// URL with their database, and sdk() remembers the database of each client it makes.
const byServerUrl = new Map<string, string>();
const byClient = new WeakMap<object, string>();

export function registerServerDatabase(serverUrl: string, databaseUrl: string): void {
  byServerUrl.set(serverUrl, databaseUrl);
}

export function rememberClientDatabase(client: object, serverUrl: string): void {
  const databaseUrl = byServerUrl.get(serverUrl);
  if (databaseUrl !== undefined) byClient.set(client, databaseUrl);
}

export function databaseOf(client: object): string {
  const databaseUrl = byClient.get(client);
  if (databaseUrl === undefined) throw new Error('this Stripe client was not made by sdk() for a test server with a known database');
  return databaseUrl;
}
