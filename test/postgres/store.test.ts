// The PostgreSQL store's concurrency guarantees, against a real server, several stores (as
// several processes would) on one database: migrations racing, deadlocks retried, the
// Idempotency-Key race producing one effect, a lost update refused, bounded retries ending
// in a 409 with Stripe-Should-Retry, and close() waiting for work in flight.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ApiError } from '../../src/core/errors.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import type { IdempotencyRecord, StoredObject, Tx } from '../../src/store/types.ts';
import { dropPostgresDatabase, freshPostgresDatabase } from './database.ts';

const ACCOUNT = 'acct_store_test';

/** Resolves once `count` callers have arrived. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    if (++arrived === count) release();
    return all;
  };
}

function record(key: string, body: string): IdempotencyRecord {
  return { accountId: ACCOUNT, key, requestHash: 'h', method: 'POST', path: '/v1/x', statusCode: 200, responseBody: body, requestId: 'req_1', createdAt: 1 };
}

describe('postgres store: concurrency', () => {
  let url: string;
  let stores: PostgresStore[] = [];

  before(async () => {
    url = await freshPostgresDatabase();
    stores = [new PostgresStore(url, { poolSize: 4 }), new PostgresStore(url, { poolSize: 4 }), new PostgresStore(url, { poolSize: 4 })];
  });

  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await dropPostgresDatabase(url);
  });

  it('migrates once when several instances start at the same moment', async () => {
    await Promise.all(stores.map((s) => s.migrate()));
    await stores[0].migrate();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version');
    await client.end();
    assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
  });

  it('retries a deadlock and both transactions take effect', async () => {
    const [a, b] = stores;
    const meet = barrier(2);
    const move = (store: PostgresStore, first: string, second: string) =>
      store.write(async (tx) => {
        const x = await tx.lockCashBalance(ACCOUNT, first, 'usd');
        await meet(); // both hold their first row: opposite orders now deadlock
        const y = await tx.lockCashBalance(ACCOUNT, second, 'usd');
        await tx.setCashBalance(ACCOUNT, first, 'usd', x + 1);
        await tx.setCashBalance(ACCOUNT, second, 'usd', y + 1);
      });
    await Promise.all([move(a, 'cus_dl_1', 'cus_dl_2'), move(b, 'cus_dl_2', 'cus_dl_1')]);
    const balances = await a.read(async (tx) => [await tx.cashBalances(ACCOUNT, 'cus_dl_1'), await tx.cashBalances(ACCOUNT, 'cus_dl_2')]);
    assert.deepEqual(balances, [{ usd: 2 }, { usd: 2 }]);
  });

  it('serialises concurrent increments of one balance row across stores: no lost update', async () => {
    const increments = 60;
    await Promise.all(
      Array.from({ length: increments }, (_, i) =>
        stores[i % stores.length].write(async (tx) => {
          const current = await tx.lockCashBalance(ACCOUNT, 'cus_hot', 'usd');
          await tx.setCashBalance(ACCOUNT, 'cus_hot', 'usd', current + 5);
        }),
      ),
    );
    assert.deepEqual(await stores[0].read((tx) => tx.cashBalances(ACCOUNT, 'cus_hot')), { usd: increments * 5 });
  });

  it('gives two stores racing on one Idempotency-Key one effect; the loser replays', async () => {
    const meet = barrier(2);
    const effects: string[] = [];
    const attempt = (store: PostgresStore, name: string) =>
      store.write(async (tx) => {
        const stored = await tx.getIdempotency(ACCOUNT, 'idem-race');
        if (stored) return `replayed ${stored.responseBody}`;
        await meet().catch(() => undefined); // both have seen no record
        const id = `obj_${name}_${effects.length}`;
        await tx.insert('events', ACCOUNT, { id, created: 1, type: 'race' });
        await tx.putIdempotency(record('idem-race', id));
        effects.push(id);
        return id;
      });
    const [first, second] = await Promise.all([attempt(stores[0], 'a'), attempt(stores[1], 'b')]);
    const winner = [first, second].find((r) => !r.startsWith('replayed'))!;
    assert.ok(winner, 'one of them ran');
    assert.deepEqual([first, second].filter((r) => r.startsWith('replayed')), [`replayed ${winner}`]);
    const events = await stores[2].read((tx) => tx.all<StoredObject>('events', ACCOUNT, { type: 'race' }));
    assert.deepEqual(events.map((e) => e.id), [winner], 'exactly one effect was committed');
  });

  it('refuses a lost update: an update of a row read without a lock that changed since is retried', async () => {
    await stores[0].write((tx) => tx.insert('customers', ACCOUNT, { id: 'cus_lu', created: 1, email: null, n: 0 } as StoredObject));
    const meet = barrier(2);
    let attempts = 0;
    // Both read without a lock, then both write n + 1: without the guard one increment is lost.
    const bump = (store: PostgresStore) =>
      store.write(async (tx: Tx) => {
        attempts++;
        const customer = (await tx.get<StoredObject & { n: number }>('customers', ACCOUNT, 'cus_lu'))!;
        await meet().catch(() => undefined);
        await tx.update('customers', ACCOUNT, { ...customer, n: customer.n + 1 });
      });
    await Promise.all([bump(stores[0]), bump(stores[1])]);
    const customer = await stores[2].read((tx) => tx.get<StoredObject & { n: number }>('customers', ACCOUNT, 'cus_lu'));
    assert.equal(customer!.n, 2);
    assert.ok(attempts >= 3, 'the stale writer was retried');
  });

  it('commits nothing of an attempt whose last writes find a row changed since it was read: the retry is the only effect', async () => {
    await stores[0].write((tx) => tx.insert('customers', ACCOUNT, { id: 'cus_once', created: 1, email: null, n: 0 } as StoredObject));
    let attempts = 0;
    await stores[0].write(async (tx: Tx) => {
      attempts++;
      const customer = (await tx.get<StoredObject & { n: number }>('customers', ACCOUNT, 'cus_once'))!;
      // Another process changes the row after this transaction read it, before it writes.
      if (attempts === 1) await stores[1].write((other) => other.update('customers', ACCOUNT, { ...customer, n: 100 }));
      // Both writes travel with COMMIT in one message: the stale update must stop the commit.
      await tx.insert('events', ACCOUNT, { id: `evt_once_${attempts}`, created: 1, type: 'x' } as StoredObject);
      await tx.update('customers', ACCOUNT, { ...customer, n: customer.n + 1 });
    });
    assert.equal(attempts, 2);
    const [first, second, customer] = await stores[2].read((tx) =>
      Promise.all([tx.get('events', ACCOUNT, 'evt_once_1'), tx.get('events', ACCOUNT, 'evt_once_2'), tx.get<StoredObject & { n: number }>('customers', ACCOUNT, 'cus_once')]),
    );
    assert.equal(first, undefined, 'the first attempt committed nothing');
    assert.ok(second, 'the retry committed');
    assert.equal(customer!.n, 101);
  });

  it('refuses an update of a missing row before anything of its transaction commits', async () => {
    let attempts = 0;
    await assert.rejects(
      stores[0].write(async (tx: Tx) => {
        attempts++;
        await tx.insert('events', ACCOUNT, { id: 'evt_missing_row', created: 1, type: 'x' } as StoredObject);
        await tx.update('customers', ACCOUNT, { id: 'cus_never', created: 1, email: null } as StoredObject);
      }),
      /expected to write one row \(customers row cus_never\), wrote 0/,
    );
    assert.equal(attempts, 1, 'a bug, not a conflict: not retried');
    assert.equal(await stores[2].read((tx) => tx.get('events', ACCOUNT, 'evt_missing_row')), undefined);
  });

  it('answers 409 with Stripe-Should-Retry after a bounded number of retries', async () => {
    await stores[0].write((tx) => tx.insert('events', ACCOUNT, { id: 'evt_taken', created: 1, type: 'taken' }));
    let attempts = 0;
    const error = await stores[1]
      .write(async (tx) => {
        attempts++;
        await tx.insert('events', ACCOUNT, { id: 'evt_taken', created: 1, type: 'again' });
        await tx.cashBalances(ACCOUNT, 'cus_none'); // sends the queued insert
      })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    assert.equal(error.status, 409);
    assert.equal(error.headers?.['Stripe-Should-Retry'], 'true');
    assert.ok(attempts > 1 && attempts <= 10, `bounded retries (${attempts})`);
  });

  it('undoes a failed savepoint and keeps the rest of the transaction', async () => {
    await stores[0].write(async (tx) => {
      await tx.insert('events', ACCOUNT, { id: 'evt_kept', created: 1, type: 'sp' });
      await tx
        .savepoint(async () => {
          await tx.insert('events', ACCOUNT, { id: 'evt_undone', created: 1, type: 'sp' });
          await tx.get('events', ACCOUNT, 'evt_kept'); // sends the queue, savepoint included
          throw new ApiError('expected');
        })
        .catch((e) => assert.ok(e instanceof ApiError));
      assert.equal(await tx.get('events', ACCOUNT, 'evt_undone'), undefined);
      await tx.savepoint(async () => tx.insert('events', ACCOUNT, { id: 'evt_after', created: 1, type: 'sp' }));
    });
    const ids = (await stores[1].read((tx) => tx.all<StoredObject>('events', ACCOUNT, { type: 'sp' }))).map((e) => e.id);
    assert.deepEqual(ids, ['evt_kept', 'evt_after']);
  });

  it('keeps quotes, backslashes, NUL and SQL-shaped text exactly, in batched writes and filters', async () => {
    const nasty = [`O'Brien\\'; DROP TABLE customers; --`, 'back\\slash \\0 and NUL \u0000 here', '$1 $2 \'\'', 'émoji 💶 \u2028'];
    await stores[0].write(async (tx) => {
      for (const [i, email] of nasty.entries()) {
        await tx.insert('customers', ACCOUNT, { id: `cus_nasty_${i}`, created: 1, email, note: email } as StoredObject);
      }
    });
    for (const [i, email] of nasty.entries()) {
      const found = await stores[1].read((tx) => tx.find<StoredObject>('customers', ACCOUNT, { email }));
      assert.equal(found?.id, `cus_nasty_${i}`);
      assert.equal(found?.note, email);
      // And inside a write transaction, after a queued write, through the batched path.
      const again = await stores[1].write(async (tx) => {
        await tx.insert('events', ACCOUNT, { id: `evt_nasty_${i}`, created: 1, type: email });
        return tx.find<StoredObject>('customers', ACCOUNT, { email });
      });
      assert.equal(again?.id, `cus_nasty_${i}`);
    }
    assert.equal(await stores[0].read((tx) => tx.get('customers', ACCOUNT, 'cus_\u0000')), undefined);
  });

  it('close() waits for a write in flight, which commits', async () => {
    const store = new PostgresStore(url, { poolSize: 2 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const writing = store.write(async (tx) => {
      await tx.insert('events', ACCOUNT, { id: 'evt_in_flight', created: 1, type: 'close' });
      await gate;
    });
    await new Promise((r) => setTimeout(r, 50));
    const closing = store.close();
    release();
    await Promise.all([writing, closing]);
    assert.ok(await stores[0].read((tx) => tx.get('events', ACCOUNT, 'evt_in_flight')));
    await assert.rejects(store.write(async () => undefined), /closed/);
  });
});
