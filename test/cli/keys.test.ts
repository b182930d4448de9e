// `cashbook keys list|create|revoke` through the built command, against a server that runs
// meanwhile: a key made on the command line works at once, a revoked one stops working in the
// running server, keys stay stored hashed, and every start says where a key comes from.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { databaseUrlFor, STORES, tempDir } from '../support/server.ts';
import { cashbook, openRaw, startCliServer, type CliServer } from './binary.ts';

async function status(url: string, key: string): Promise<number> {
  return (await fetch(`${url}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${key}` } })).status;
}

async function until(what: string, condition: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const kind of STORES) {
  describe(`cashbook keys [${kind}]`, () => {
    let dir: string;
    let database: string;
    let server: CliServer;
    let firstKey: string;
    const db = () => ['--database-url', database];

    before(async () => {
      dir = tempDir('cashbook-keys-');
      database = kind === 'sqlite' ? path.join(dir, 'cashbook.db') : await databaseUrlFor('postgres');
      server = await startCliServer(database);
      assert.ok(server.createdKey, `the first start prints the new test key:\n${server.output()}`);
      firstKey = server.createdKey!;
      assert.match(server.output(), new RegExp(`export CASHBOOK_API_KEY=${firstKey}`));
    });
    after(async () => {
      await server?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('lists the keys by account, mode, created and last four characters only', async () => {
      const listed = await cashbook(['keys', 'list', ...db()]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^ACCOUNT\s+MODE\s+CREATED\s+KEY\n/);
      assert.match(listed.stdout, new RegExp(`acct_default\\s+test\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+sk_test_…${firstKey.slice(-4)}\\n`));
      assert.ok(!listed.stdout.includes(firstKey), 'never the whole key');
      const json = await cashbook(['keys', 'list', '--json', ...db()]);
      const rows = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { account: string; mode: string; last4: string });
      assert.deepEqual(rows.map((r) => [r.account, r.mode, r.last4]), [['acct_default', 'test', firstKey.slice(-4)]]);
    });

    it('creates a key that the running server accepts at once, and a live one for the live mode', async () => {
      const made = await cashbook(['keys', 'create', ...db()]);
      assert.equal(made.code, 0, made.stderr);
      const key = made.stdout.trim();
      assert.match(key, /^sk_test_\w{20,}$/);
      assert.match(made.stderr, /shown only now/);
      assert.equal(await status(server.url, key), 200);

      const live = await cashbook(['keys', 'create', '--live', ...db()]);
      assert.equal(live.code, 0, live.stderr);
      const liveKey = live.stdout.trim();
      assert.match(liveKey, /^sk_live_/);
      const created = await fetch(`${server.url}/v1/customers`, { method: 'POST', headers: { authorization: `Bearer ${liveKey}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=live%40example.com' });
      assert.equal(created.status, 200);
      assert.equal(((await created.json()) as { livemode: boolean }).livemode, true);

      const listed = await cashbook(['keys', 'list', ...db()]);
      assert.equal(listed.stdout.trim().split('\n').length, 4, listed.stdout);
      assert.match(listed.stdout, new RegExp(`live\\s+\\S+\\s+sk_live_…${liveKey.slice(-4)}`));

      // Stored hashed: no column of any key row holds a key.
      const raw = await openRaw(database);
      try {
        const stored = JSON.stringify(await raw.all('SELECT * FROM api_keys'));
        for (const k of [firstKey, key, liveKey]) assert.ok(!stored.includes(k), 'a key in the clear in api_keys');
      } finally {
        await raw.close();
      }

      // Revoked by its last four characters: the running server refuses it within seconds.
      const revoked = await cashbook(['keys', 'revoke', key.slice(-4), ...db()]);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.match(revoked.stdout, new RegExp(`revoked sk_test_…${key.slice(-4)} of acct_default`));
      await until('the revoked key to be refused', async () => (await status(server.url, key)) === 401);
      assert.equal(await status(server.url, firstKey), 200, 'the other key still works');

      // The live account's only key: refused without --force, revoked with it (by the whole key).
      const last = await cashbook(['keys', 'revoke', liveKey, ...db()]);
      assert.equal(last.code, 2);
      assert.match(last.stderr, /is the last key of acct_default_live.*--force/);
      assert.equal(await status(server.url, liveKey), 200, 'a refused revoke changes nothing');
      const forced = await cashbook(['keys', 'revoke', liveKey, '--force', ...db()]);
      assert.equal(forced.code, 0, forced.stderr);
      await until('the live key to be refused', async () => (await status(server.url, liveKey)) === 401);
      const after = await cashbook(['keys', 'list', '--json', ...db()]);
      assert.deepEqual(after.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { last4: string }).last4), [firstKey.slice(-4)]);
    });

    it('says on every start where a key comes from, and CASHBOOK_API_KEY adds its key on an existing database', async () => {
      await server.stop();
      const fixed = `sk_test_fixed_${Date.now()}_abcdefgh`;
      server = await startCliServer(database, { env: { CASHBOOK_API_KEY: fixed } });
      assert.equal(server.createdKey, undefined, 'no new key on an existing database');
      assert.match(server.output(), new RegExp(`CASHBOOK_API_KEY \\(…${fixed.slice(-4)}\\) is a key of the default account`));
      assert.match(server.output(), /cashbook keys list/);
      assert.equal(await status(server.url, fixed), 200);
      assert.equal(await status(server.url, firstKey), 200, 'the earlier key still works beside it');
      await server.stop();
      server = await startCliServer(database);
      assert.match(server.output(), /cashbook keys list.*cashbook keys create/);
      assert.equal(await status(server.url, fixed), 200, 'the key stays once added');
    });

    it('a revoked CASHBOOK_API_KEY is not added again on the next start: the server refuses to start, naming it', async () => {
      await server.stop();
      const fixed = `sk_test_revoked_${Date.now()}_abcdefgh`;
      server = await startCliServer(database, { env: { CASHBOOK_API_KEY: fixed } });
      assert.equal(await status(server.url, fixed), 200);
      const revoked = await cashbook(['keys', 'revoke', fixed, ...db()]);
      assert.equal(revoked.code, 0, revoked.stderr);
      await until('the revoked key refused', async () => (await status(server.url, fixed)) === 401);
      await server.stop();
      const again = await cashbook(['serve', '--port', '0', ...db()], { env: { CASHBOOK_API_KEY: fixed }, timeoutMs: 30_000 });
      assert.equal(again.code, 2, again.stdout + again.stderr);
      assert.match(again.stderr, new RegExp(`CASHBOOK_API_KEY \\(…${fixed.slice(-4)}\\) was revoked`));
      assert.doesNotMatch(again.stdout, /Cashbook is serving/);
      // A revoked key of another account is no CASHBOOK_API_KEY either: it would come back as a default account key.
      const made = await cashbook(['accounts:create', ...db()]);
      const other = (JSON.parse(made.stdout) as { secret_key: string }).secret_key;
      assert.equal((await cashbook(['keys', 'create', '--account', (JSON.parse(made.stdout) as { account: string }).account, ...db()])).code, 0, 'a second key, so the first may go');
      assert.equal((await cashbook(['keys', 'revoke', other, ...db()])).code, 0);
      const asDefault = await cashbook(['serve', '--port', '0', ...db()], { env: { CASHBOOK_API_KEY: other }, timeoutMs: 30_000 });
      assert.equal(asDefault.code, 2, asDefault.stdout + asDefault.stderr);
      assert.match(asDefault.stderr, /was revoked/);
      server = await startCliServer(database);
      assert.equal(await status(server.url, fixed), 401, 'still revoked');
      assert.equal(await status(server.url, other), 401, 'still revoked');
    });

    it('a key revoked on a database that has no default account yet is refused as CASHBOOK_API_KEY too', async () => {
      const fresh = kind === 'sqlite' ? path.join(dir, 'fresh.db') : await databaseUrlFor('postgres');
      const only = ['--database-url', fresh];
      assert.equal((await cashbook(['migrate', ...only])).code, 0);
      const made = JSON.parse((await cashbook(['accounts:create', ...only])).stdout) as { account: string; secret_key: string };
      assert.equal((await cashbook(['keys', 'create', '--account', made.account, ...only])).code, 0);
      assert.equal((await cashbook(['keys', 'revoke', made.secret_key, ...only])).code, 0);
      const started = await cashbook(['serve', '--port', '0', ...only], { env: { CASHBOOK_API_KEY: made.secret_key }, timeoutMs: 30_000 });
      assert.equal(started.code, 2, started.stdout + started.stderr);
      assert.match(started.stderr, /was revoked/);
      const listed = (await cashbook(['keys', 'list', '--json', ...only])).stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { account: string; last4: string });
      assert.ok(!listed.some((row) => row.account === 'acct_default' && row.last4 === made.secret_key.slice(-4)), 'not registered for the default account');
    });
  });
}
