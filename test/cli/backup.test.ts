// `cashbook backup FILE` through the built command, taken while clients keep funding: the copy
// verifies clean and holds every funding acknowledged before the backup began.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sdk, tempDir } from '../support/server.ts';
import { cashbook, openRaw, startCliServer, type CliServer } from './binary.ts';

describe('cashbook backup [sqlite]', () => {
  let dir: string;
  let database: string;
  let server: CliServer;
  before(async () => {
    dir = tempDir('cashbook-backup-');
    database = path.join(dir, 'cashbook.db');
    server = await startCliServer(database);
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies the database consistently under load, and the copy verifies', async () => {
    const stripe = sdk(server.url, server.createdKey!);
    const customers = await Promise.all([0, 1, 2, 3].map((n) => stripe.customers.create({ email: `b${n}@example.com` })));
    const acked: { id: string; at: number }[] = [];
    let stop = false;
    const workers = customers.map(async (customer, n) => {
      for (let i = 1; !stop; i++) {
        const entry = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 100 + n * 10 + (i % 7), currency: 'usd' });
        acked.push({ id: (entry as unknown as { id: string }).id, at: performance.now() });
      }
    });
    const file = path.join(dir, 'copy.db');
    let startedAt = 0;
    let backup;
    try {
      while (acked.length < 40) await new Promise((r) => setTimeout(r, 20));
      startedAt = performance.now();
      backup = await cashbook(['backup', file, '--database-url', database]);
      const during = acked.length;
      while (acked.length < during + 20) await new Promise((r) => setTimeout(r, 20)); // the load went on after it
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, new RegExp(`backed up .*cashbook\\.db to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ pages`));

    const verified = await cashbook(['verify', '--database-url', file]);
    assert.equal(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /no breaks/);

    const raw = await openRaw(file);
    try {
      const inCopy = new Set((await raw.all<{ id: string }>('SELECT id FROM cash_balance_transactions')).map((row) => row.id));
      const before = acked.filter((a) => a.at < startedAt);
      assert.ok(before.length >= 40);
      for (const { id } of before) assert.ok(inCopy.has(id), `${id} was acknowledged before the backup began but is not in it`);
      assert.ok(inCopy.size < acked.length, 'fundings acknowledged after the copy are not in it (it is one moment)');
    } finally {
      await raw.close();
    }

    // --force replaces a copy; --verify checks the new one at once.
    const again = await cashbook(['backup', file, '--force', '--verify', '--database-url', database]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /no breaks/);
    const copy = await openRaw(file);
    try {
      const ids = new Set((await copy.all<{ id: string }>('SELECT id FROM cash_balance_transactions')).map((row) => row.id));
      for (const { id } of acked) assert.ok(ids.has(id), `${id} is in the second copy`);
    } finally {
      await copy.close();
    }
  });
});
