// The store contract for reads inside a write transaction, on every store: a transaction sees
// its own writes, a repeated read gives the same answer, a savepoint rolled back takes its
// writes back out of what later reads see, and a filtered read sees rows written since.
// (PostgreSQL answers repeated reads from what the transaction already read or wrote; this
// contract is what any such cache must keep.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../src/core/errors.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store, StoredObject } from '../../src/store/types.ts';
import { databaseUrlFor, STORES } from '../support/server.ts';
import { dropPostgresDatabase } from '../postgres/database.ts';

const ACCOUNT = 'acct_reads_test';

interface Endpoint extends StoredObject {
  status: string;
  livemode: boolean;
  url: string;
}

const endpoint = (id: string, url: string): Endpoint => ({ id, created: 1, object: 'webhook_endpoint', status: 'enabled', livemode: false, url });

for (const kind of STORES) {
  describe(`store reads inside a write transaction [${kind}]`, () => {
    let store: Store;
    let url: string;

    before(async () => {
      url = await databaseUrlFor(kind);
      store = await openStore(url);
    });

    after(async () => {
      await store.close();
      if (kind === 'postgres') await dropPostgresDatabase(url);
    });

    it('sees its own inserts, updates and removals in get, find and all', async () => {
      const seen = await store.write(async (tx) => {
        const before = await tx.all<Endpoint>('webhook_endpoints', ACCOUNT, { status: 'enabled' });
        await tx.insert('webhook_endpoints', ACCOUNT, endpoint('we_a', 'http://a'));
        const afterInsert = await tx.all<Endpoint>('webhook_endpoints', ACCOUNT, { status: 'enabled' });
        await tx.update('webhook_endpoints', ACCOUNT, { ...endpoint('we_a', 'http://a2'), status: 'disabled' });
        const got = await tx.get<Endpoint>('webhook_endpoints', ACCOUNT, 'we_a');
        const enabled = await tx.all<Endpoint>('webhook_endpoints', ACCOUNT, { status: 'enabled' });
        const found = await tx.find<Endpoint>('webhook_endpoints', ACCOUNT, { status: 'disabled' });
        await tx.remove('webhook_endpoints', ACCOUNT, 'we_a');
        const gone = await tx.get<Endpoint>('webhook_endpoints', ACCOUNT, 'we_a');
        return { before: before.length, afterInsert: afterInsert.map((e) => e.url), got: got?.url, enabled: enabled.length, found: found?.url, gone };
      });
      assert.deepEqual(seen, { before: 0, afterInsert: ['http://a'], got: 'http://a2', enabled: 0, found: 'http://a2', gone: undefined });
      assert.equal(await store.read((tx) => tx.get('webhook_endpoints', ACCOUNT, 'we_a')), undefined);
    });

    it('a read object changed by its caller does not change what the next read returns', async () => {
      await store.write((tx) => tx.insert('webhook_endpoints', ACCOUNT, endpoint('we_b', 'http://b')));
      const second = await store.write(async (tx) => {
        const first = (await tx.get<Endpoint>('webhook_endpoints', ACCOUNT, 'we_b'))!;
        first.url = 'http://changed-in-memory';
        (await tx.all<Endpoint>('webhook_endpoints', ACCOUNT, { status: 'enabled' }))[0].url = 'http://changed-too';
        return { get: (await tx.get<Endpoint>('webhook_endpoints', ACCOUNT, 'we_b'))!.url, all: (await tx.all<Endpoint>('webhook_endpoints', ACCOUNT, { status: 'enabled' }))[0].url };
      });
      assert.deepEqual(second, { get: 'http://b', all: 'http://b' });
    });

    it('a savepoint rolled back takes its writes out of later reads in the same transaction', async () => {
      const seen = await store.write(async (tx) => {
        await tx.get<Endpoint>('webhook_endpoints', ACCOUNT, 'we_b');
        await tx.all<Endpoint>('webhook_endpoints', ACCOUNT, { status: 'enabled' });
        await tx.lockCashBalance(ACCOUNT, 'cus_sp', 'eur');
        await tx.setCashBalance(ACCOUNT, 'cus_sp', 'eur', 100);
        const balanceBefore = await tx.cashBalances(ACCOUNT, 'cus_sp');
        await assert.rejects(
          tx.savepoint(async () => {
            await tx.update('webhook_endpoints', ACCOUNT, { ...endpoint('we_b', 'http://undone'), status: 'disabled' });
            await tx.insert('webhook_endpoints', ACCOUNT, endpoint('we_c', 'http://undone-too'));
            await tx.lockCashBalance(ACCOUNT, 'cus_sp', 'eur');
            await tx.setCashBalance(ACCOUNT, 'cus_sp', 'eur', 999);
            assert.deepEqual(await tx.cashBalances(ACCOUNT, 'cus_sp'), { eur: 999 });
            throw new ApiError('expected failure');
          }),
          ApiError,
        );
        return {
          get: (await tx.get<Endpoint>('webhook_endpoints', ACCOUNT, 'we_b'))?.url,
          inserted: await tx.get<Endpoint>('webhook_endpoints', ACCOUNT, 'we_c'),
          enabled: (await tx.all<Endpoint>('webhook_endpoints', ACCOUNT, { status: 'enabled' })).map((e) => e.id),
          balanceBefore,
          balanceAfter: await tx.cashBalances(ACCOUNT, 'cus_sp'),
        };
      });
      assert.deepEqual(seen, { get: 'http://b', inserted: undefined, enabled: ['we_b'], balanceBefore: { eur: 100 }, balanceAfter: { eur: 100 } });
    });

    it('a cash balance read after it was set comes from the table, and later transactions see the commit', async () => {
      const read = await store.write(async (tx) => {
        const start = await tx.lockCashBalance(ACCOUNT, 'cus_cb', 'usd');
        const first = await tx.cashBalances(ACCOUNT, 'cus_cb');
        await tx.setCashBalance(ACCOUNT, 'cus_cb', 'usd', start + 250);
        return { first, second: await tx.cashBalances(ACCOUNT, 'cus_cb') };
      });
      assert.deepEqual(read, { first: { usd: 0 }, second: { usd: 250 } });
      assert.deepEqual(await store.write((tx) => tx.cashBalances(ACCOUNT, 'cus_cb')), { usd: 250 });
      assert.deepEqual(await store.read((tx) => tx.cashBalances(ACCOUNT, 'cus_cb')), { usd: 250 });
    });
  });
}
