// Migration 9 copies the enabled endpoints a database already holds into their accounts' routing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/core/clock.ts';
import { randomIds } from '../../src/core/ids.ts';
import { createAccount, DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import { routeEvent } from '../../src/resources/webhook-endpoints/routing.ts';
import { createEndpoint, updateEndpoint } from '../../src/resources/webhook-endpoints/service.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/types.ts';
import { systemContext } from '../../src/wire/context.ts';
import { dropPostgresDatabase } from '../postgres/database.ts';
import { databaseUrlFor, STORES } from '../support/server.ts';
import { undoMigration } from '../support/undo-migration.ts';

/** Where each (account, livemode, type) is routed to. */
async function routes(store: Store, accounts: string[]): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  await store.read(async (tx) => {
    for (const account of accounts) {
      for (const livemode of [false, true]) {
        for (const type of ['customer.created', 'customer.updated', 'payment_intent.succeeded']) {
          result[`${account} ${livemode} ${type}`] = await routeEvent(tx, account, livemode, type);
        }
      }
    }
  });
  return result;
}

for (const kind of STORES) {
  describe(`webhook routing migration [${kind}]`, () => {
    it('routes events to the endpoints an older database holds, as before', async () => {
      const url = await databaseUrlFor(kind);
      let store = await openStore(url);
      const test = systemContext(DEFAULT_ACCOUNT_ID, false, systemClock, randomIds);
      const live = systemContext(DEFAULT_ACCOUNT_ID, true, systemClock, randomIds);
      const { accountId: other } = await createAccount(store, { now: 1 });
      const ids = await store.write(async (tx) => {
        const all = (await createEndpoint(tx, test, { url: 'http://127.0.0.1:9/all', enabled_events: ['*'] })).id as string;
        const customers = (await createEndpoint(tx, test, { url: 'http://127.0.0.1:9/customers', enabled_events: ['customer.created', 'customer.updated'] })).id as string;
        const disabled = (await createEndpoint(tx, test, { url: 'http://127.0.0.1:9/off', enabled_events: ['*'] })).id as string;
        await updateEndpoint(tx, test, disabled, { disabled: true });
        const liveOne = (await createEndpoint(tx, live, { url: 'https://example.com/live', enabled_events: ['payment_intent.succeeded'] })).id as string;
        return { all, customers, liveOne };
      });
      const accounts = [DEFAULT_ACCOUNT_ID, other];
      const before = await routes(store, accounts);
      assert.deepEqual(before[`${DEFAULT_ACCOUNT_ID} false customer.created`], [ids.all, ids.customers]);
      assert.deepEqual(before[`${DEFAULT_ACCOUNT_ID} false payment_intent.succeeded`], [ids.all]);
      assert.deepEqual(before[`${DEFAULT_ACCOUNT_ID} true payment_intent.succeeded`], [ids.liveOne]);
      assert.deepEqual(before[`${DEFAULT_ACCOUNT_ID} true customer.created`], []);
      assert.deepEqual(before[`${other} false customer.created`], []);
      await store.close();

      await undoMigration(kind, url, 9, ['DROP TABLE webhook_routing']);
      store = await openStore(url);
      try {
        assert.deepEqual(await routes(store, accounts), before, 'the migration routes every event as the endpoint service did');
        const later = await store.write(async (tx) => {
          await updateEndpoint(tx, test, ids.all, { enabled_events: ['customer.updated'] });
          return (await createEndpoint(tx, test, { url: 'http://127.0.0.1:9/later', enabled_events: ['customer.created'] })).id as string;
        });
        const after = await routes(store, accounts);
        assert.deepEqual(after[`${DEFAULT_ACCOUNT_ID} false customer.created`], [ids.customers, later], 'and later changes rewrite it');
        assert.deepEqual(after[`${DEFAULT_ACCOUNT_ID} false customer.updated`], [ids.all, ids.customers]);
      } finally {
        await store.close();
        if (kind === 'postgres') await dropPostgresDatabase(url);
      }
    });
  });
}
