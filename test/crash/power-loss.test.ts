// Durability on SQLite without SQLite's own fsync in COMMIT (src/store/sqlite/store.ts): the
// store commits a group with synchronous=NORMAL and fdatasyncs the WAL itself, off the event
// loop, before it answers. Two properties, through the HTTP API with the SDK:
//  - no answer before the fdatasync: with fdatasync held back, a funding gets no response and a
//    read does not show it; once it is let go, both arrive;
//  - a power loss keeps every acknowledged funding: at a random moment mid-load the database
//    and its WAL are copied (what the page cache holds), then the WAL is cut at a random byte
//    past the size it had when the last answer arrived (an fdatasync covering that answer
//    began before then, so nothing before that size can be lost) and the rest is either
//    dropped or overwritten with junk, as a torn write leaves it. Opened again, the copy holds
//    every acknowledged funding and passes the auditor.
// Replay a failure with POWER_SEED=<seed> (printed at the start).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { assertVerified } from '../support/invariants.ts';
import { startTestServer, tempDir, type TestServer } from '../support/server.ts';
import { databaseOf } from '../support/databases.ts';
import { rng } from '../support/random.ts';

/** The WAL header's checkpoint sequence: it changes when the WAL restarts from its beginning. */
function walCheckpointSequence(wal: string): number {
  const header = Buffer.alloc(16);
  const fd = fs.openSync(wal, 'r');
  try {
    fs.readSync(fd, header, 0, 16, 0);
  } finally {
    fs.closeSync(fd);
  }
  return header.readUInt32BE(12);
}

describe('SQLite durability without fsync in COMMIT [sqlite]', () => {
  let server: TestServer;
  let file: string;

  before(async () => {
    server = await startTestServer({ store: 'sqlite' });
    file = databaseOf(server.stripe);
  });
  after(async () => {
    await server?.close();
  });

  it('answers a write only after its fdatasync, and reads wait for it too', async () => {
    const customer = await server.stripe.customers.create({ email: 'held@example.com' });
    const held: (() => void)[] = [];
    const real = fs.fdatasync;
    (fs as { fdatasync: typeof fs.fdatasync }).fdatasync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      held.push(() => real(fd, callback));
    }) as typeof fs.fdatasync;
    try {
      let answered = false;
      const funding = server.stripe.testHelpers.customers
        .fundCashBalance(customer.id, { amount: 700, currency: 'usd' }, { idempotencyKey: `held-${Date.now()}` })
        .finally(() => (answered = true));
      while (held.length === 0 && !answered) await new Promise((r) => setTimeout(r, 5));
      // Committed, not yet on disk: no answer, and a read waits rather than show it.
      let read = false;
      const balance = server.stripe.customers.retrieveCashBalance(customer.id).finally(() => (read = true));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(answered, false, 'the funding was answered before its fdatasync finished');
      assert.equal(read, false, 'a read answered with data not yet on disk');
      (fs as { fdatasync: typeof fs.fdatasync }).fdatasync = real;
      for (const release of held.splice(0)) release();
      const entry = await funding;
      assert.equal(entry.net_amount, 700);
      assert.equal((await balance).available?.usd, 700);
    } finally {
      (fs as { fdatasync: typeof fs.fdatasync }).fdatasync = real;
      for (const release of held.splice(0)) release();
    }
  });

  it('keeps every acknowledged funding when the WAL loses its unsynced tail', async () => {
    const seed = Number(process.env.POWER_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`power-loss seed ${seed} (replay with POWER_SEED=${seed})`);
    const random = rng(seed);
    const customers = await Promise.all([0, 1, 2].map((i) => server.stripe.customers.create({ email: `power${i}@example.com` })));
    const wal = `${file}-wal`;
    const sequence = walCheckpointSequence(wal);
    const copies = tempDir('cashbook-power-');

    const total = 240;
    const copyAfter = 40 + Math.floor(random() * 160); // answers received before the snapshot
    const acked: { id: string; walSize: number }[] = [];
    let snapshot: { db: string; wal: string; syncedAtLeast: number; acked: string[] } | undefined;
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < total) {
          const i = next++;
          const entry = await server.stripe.testHelpers.customers.fundCashBalance(
            customers[i % customers.length].id,
            { amount: 100 + i, currency: 'usd' },
            { idempotencyKey: `power-${seed}-${i}` },
          );
          acked.push({ id: entry.id, walSize: fs.statSync(wal).size });
          if (!snapshot && acked.length >= copyAfter) {
            // The page cache as a power loss would find it: the database file and the WAL so far.
            const syncedAtLeast = Math.max(...acked.map((a) => a.walSize));
            const ids = acked.map((a) => a.id);
            const db = path.join(copies, 'copy.db');
            fs.copyFileSync(wal, `${db}-wal`);
            fs.copyFileSync(file, db);
            snapshot = { db, wal: `${db}-wal`, syncedAtLeast, acked: ids };
          }
        }
      }),
    );
    assert.ok(snapshot, 'took a snapshot mid-load');
    assert.equal(walCheckpointSequence(wal), sequence, 'the WAL restarted during the test: make the load smaller');

    // Lose the tail past the synced size: truncated, or overwritten with junk as a torn write leaves it.
    const size = fs.statSync(snapshot.wal).size;
    assert.ok(size >= snapshot.syncedAtLeast, 'the copy holds everything synced');
    const cut = snapshot.syncedAtLeast + Math.floor(random() * (size - snapshot.syncedAtLeast + 1));
    if (random() < 0.5) fs.truncateSync(snapshot.wal, cut);
    else {
      const junk = Buffer.alloc(size - cut);
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(random() * 256);
      const fd = fs.openSync(snapshot.wal, 'r+');
      fs.writeSync(fd, junk, 0, junk.length, cut);
      fs.closeSync(fd);
    }

    const store = new SqliteStore(snapshot.db);
    try {
      await store.migrate();
      const missing: string[] = [];
      await store.read(async (tx) => {
        for (const id of snapshot!.acked) if (!(await tx.get('cash_balance_transactions', 'acct_default', id))) missing.push(id);
      });
      assert.deepEqual(missing, [], `acknowledged fundings lost with the WAL cut at byte ${cut} of ${size}`);
    } finally {
      await store.close();
    }
    await assertVerified(snapshot.db);
    fs.rmSync(copies, { recursive: true, force: true });
  });

  it('after a failed fdatasync acknowledges nothing more: the write fails with a 500, and so does every later one; /healthz says so', async () => {
    const failing = await startTestServer({ store: 'sqlite' });
    const real = fs.fdatasync;
    try {
      const customer = await failing.stripe.customers.create({ email: 'eio@example.com' });
      (fs as { fdatasync: typeof fs.fdatasync }).fdatasync = ((_fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
        setImmediate(() => callback(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
      }) as typeof fs.fdatasync;
      const first = await failing.request('POST', `/v1/test_helpers/customers/${customer.id}/fund_cash_balance`, { form: 'amount=100&currency=usd' });
      (fs as { fdatasync: typeof fs.fdatasync }).fdatasync = real;
      const later = await failing.request('POST', '/v1/customers', { form: 'email=after@example.com' });
      for (const response of [first, later]) {
        assert.equal(response.status, 500);
        assert.equal((response.body as { error: { type: string } }).error.type, 'api_error');
      }
      // A load balancer sends this process nothing more: it still reads, but no write can succeed.
      const health = await fetch(`${failing.url}/healthz`);
      assert.equal(health.status, 503);
      assert.equal(((await health.json()) as { error: { type: string } }).error.type, 'api_error');
    } finally {
      (fs as { fdatasync: typeof fs.fdatasync }).fdatasync = real;
      failing.violations.length = 0; // the 500s are this test's point
      await failing.close();
    }
  });
});
