// Runs a suite once per store with a fresh server, and fails a test whose responses broke the
// published schema.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe } from 'node:test';
import { STORES, startTestServer, type StoreKind, type TestServer } from './server.ts';

export function describeEachStore(name: string, body: (server: () => TestServer, store: StoreKind) => void): void {
  for (const store of STORES) {
    describe(`${name} [${store}]`, () => {
      let server: TestServer;
      before(async () => {
        server = await startTestServer({ store });
      });
      after(async () => {
        await server?.close();
      });
      afterEach(() => {
        const found = server.violations.splice(0);
        assert.deepEqual(found, [], 'responses must match the OpenAPI schema and never be 5xx');
      });
      body(() => server, store);
    });
  }
}
