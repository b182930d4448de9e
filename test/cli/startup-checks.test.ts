// What `cashbook serve` and `cashbook migrate` refuse before serving, each in one line and exit
// 2: a bad setting (checked before the database is even created), an in-memory database, a
// database a newer Cashbook migrated (both stores), and a SQLite file this user cannot write or
// that is corrupt. Each used to start (or fail later, after writing).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { LATEST_MIGRATION } from '../../src/store/migrations/index.ts';
import { freePort } from '../support/process.ts';
import { databaseUrlFor, STORES, tempDir } from '../support/server.ts';
import { openRaw } from './binary.ts';
import { assertOneLineError, cashbookSource, serveSource } from './source.ts';

describe('cashbook serve checks every setting before it opens the database', () => {
  let dir: string;
  before(() => {
    dir = tempDir('cashbook-config-');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses each bad setting in one line naming it, and creates no database', async () => {
    const port = await freePort();
    const cases: [string, NodeJS.ProcessEnv, RegExp][] = [
      ['a scheduler interval that is no number', { CASHBOOK_SCHEDULER_INTERVAL_MS: 'abc' }, /CASHBOOK_SCHEDULER_INTERVAL_MS must be a positive integer/],
      ['a scheduler interval of 0', { CASHBOOK_SCHEDULER_INTERVAL_MS: '0' }, /CASHBOOK_SCHEDULER_INTERVAL_MS must be a positive integer/],
      ['a negative scheduler interval', { CASHBOOK_SCHEDULER_INTERVAL_MS: '-100' }, /CASHBOOK_SCHEDULER_INTERVAL_MS must be a positive integer/],
      ['a scheduler interval past what a timer can wait', { CASHBOOK_SCHEDULER_INTERVAL_MS: '9999999999' }, /CASHBOOK_SCHEDULER_INTERVAL_MS must be a positive integer \(at most 2147483647\)/],
      ['a pool size that is no number', { CASHBOOK_DATABASE_POOL_SIZE: 'ten' }, /CASHBOOK_DATABASE_POOL_SIZE must be a positive integer/],
      ['a database timeout that is no number', { CASHBOOK_DATABASE_TIMEOUT_MS: '30s' }, /CASHBOOK_DATABASE_TIMEOUT_MS must be a positive integer/],
      ['a shutdown grace that is no number', { CASHBOOK_SHUTDOWN_GRACE_MS: 'soon' }, /CASHBOOK_SHUTDOWN_GRACE_MS must be a positive integer/],
      ['an idle timeout that is no number', { CASHBOOK_IDLE_TIMEOUT_MS: 'abc' }, /CASHBOOK_IDLE_TIMEOUT_MS must be a positive integer/],
      ['a webhook retry schedule that is none', { CASHBOOK_WEBHOOK_RETRY_SCHEDULE: 'abc' }, /CASHBOOK_WEBHOOK_RETRY_SCHEDULE=abc is not a retry schedule/],
      ['a test-mode retry schedule that is none', { CASHBOOK_WEBHOOK_TEST_RETRY_SCHEDULE: '1,x' }, /CASHBOOK_WEBHOOK_TEST_RETRY_SCHEDULE=1,x is not a retry schedule/],
      ['a webhook timeout that is no number', { CASHBOOK_WEBHOOK_TIMEOUT_MS: 'abc' }, /CASHBOOK_WEBHOOK_TIMEOUT_MS must be a positive number/],
      ['a webhook worker switch that is none', { CASHBOOK_WEBHOOK_WORKER: 'maybe' }, /CASHBOOK_WEBHOOK_WORKER=maybe is not a switch: use 1 or 0/],
      ['a public URL that is none', { CASHBOOK_PUBLIC_URL: 'pay.example.com' }, /CASHBOOK_PUBLIC_URL=pay\.example\.com is not a URL/],
      ['the metrics port on the API port', { CASHBOOK_PORT: String(port), CASHBOOK_METRICS_PORT: String(port) }, new RegExp(`metrics port ${port} is the API port: choose another with --metrics-port or CASHBOOK_METRICS_PORT`)],
    ];
    for (const [what, env, pattern] of cases) {
      const database = path.join(dir, `${what.replaceAll(' ', '-')}.db`);
      const args = ['serve', '--database-url', database, ...(env.CASHBOOK_PORT ? [] : ['--port', '0'])];
      const result = await cashbookSource(args, { env: { CASHBOOK_API_KEY: 'sk_test_operator_0000', ...env }, timeoutMs: 20_000 });
      assertOneLineError(result, pattern, what);
      assert.equal(result.stdout, '', `${what}: nothing printed (no banner, no key)`);
      assert.equal(fs.existsSync(database), false, `${what}: no database was created`);
    }
  });

  it('refuses an in-memory database, which the server’s two connections could not share', async () => {
    for (const url of [':memory:', 'sqlite::memory:', 'sqlite:', 'sqlite://:memory:']) {
      for (const command of ['serve', 'migrate']) {
        const result = await cashbookSource([command, '--database-url', url, ...(command === 'serve' ? ['--port', '0'] : [])], { timeoutMs: 20_000 });
        assertOneLineError(result, /an in-memory or temporary SQLite database is not supported: the server opens two connections to it .*give a file path/, `${command} ${url}`);
      }
    }
  });
});

for (const kind of STORES) {
  describe(`a database a newer Cashbook migrated [${kind}]`, () => {
    let dir: string;
    before(() => {
      dir = tempDir('cashbook-newer-');
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('is refused by serve and migrate, as verify refuses it, and left as it was', async () => {
      const database = kind === 'sqlite' ? path.join(dir, 'newer.db') : await databaseUrlFor('postgres');
      assert.equal((await cashbookSource(['migrate', '--database-url', database])).code, 0);
      const raw = await openRaw(database);
      try {
        await raw.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
        const message = new RegExp(`the database is at migration 9999, newer than this Cashbook \\(${LATEST_MIGRATION}\\): use the Cashbook that wrote it`);
        assertOneLineError(await cashbookSource(['verify', '--database-url', database]), message, 'verify');
        assertOneLineError(await cashbookSource(['migrate', '--database-url', database]), message, 'migrate');
        assertOneLineError(await cashbookSource(['serve', '--port', '0', '--database-url', database], { timeoutMs: 20_000 }), message, 'serve');
        assert.deepEqual(await raw.all('SELECT COUNT(*) AS n FROM accounts'), [{ n: kind === 'sqlite' ? 0 : '0' }], 'serve made no default account');
      } finally {
        await raw.close();
      }
    });
  });
}

describe('a SQLite file the server could not serve', () => {
  let dir: string;
  before(() => {
    dir = tempDir('cashbook-sqlite-checks-');
    fs.chmodSync(dir, 0o777); // reachable by the unprivileged user below
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is refused when this user cannot write it (it used to start and answer every write with a 500)', async () => {
    const database = path.join(dir, 'read-only.db');
    assert.equal((await cashbookSource(['migrate', '--database-url', database])).code, 0);
    // root writes any file: run as nobody then, on a file nobody may read but not write.
    const asRoot = process.getuid?.() === 0;
    fs.chmodSync(database, asRoot ? 0o644 : 0o444);
    const launcher = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : undefined;
    for (const command of ['serve', 'migrate']) {
      const result = await cashbookSource([command, '--database-url', database, ...(command === 'serve' ? ['--port', '0'] : [])], { launcher, timeoutMs: 20_000 });
      assertOneLineError(result, /cannot use the SQLite database .*read-only\.db: the file is not writable by this user \(uid \d+\), and the server writes it: fix its owner or mode/, command);
    }
  });

  it('is refused when it is corrupt, naming what PRAGMA quick_check found (it used to acknowledge writes into it)', async () => {
    const database = path.join(dir, 'corrupt.db');
    assert.equal((await cashbookSource(['migrate', '--database-url', database])).code, 0);
    const db = new Database(database);
    db.exec("CREATE TABLE filler (x TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO filler SELECT hex(randomblob(200)) FROM n");
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.close();
    // Junk over pages in the middle (the header and the schema stay whole: SQLite opens the file).
    const fd = fs.openSync(database, 'r+');
    for (let page = Math.floor(pages / 2); page < Math.floor(pages / 2) + 20; page++) fs.writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, page * pageSize);
    fs.closeSync(fd);
    for (const command of ['serve', 'migrate']) {
      const result = await cashbookSource([command, '--database-url', database, ...(command === 'serve' ? ['--port', '0'] : [])], { timeoutMs: 20_000 });
      assertOneLineError(result, /cannot use the SQLite database .*corrupt\.db: the file is corrupt \(PRAGMA quick_check: .+\): restore it from a backup/, command);
    }
  });

  it('serves a sound file as before', async () => {
    const database = path.join(dir, 'sound.db');
    const server = await serveSource(database);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
    const again = await serveSource(database); // checked at this start: quick_check finds nothing
    assert.deepEqual(await again.stop(), { code: 0, signal: null });
  });
});
