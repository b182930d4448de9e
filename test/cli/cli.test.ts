// The built `cashbook` command, spawned as a user runs it: every subcommand has --help, and
// every mistake ends in one plain line on stderr and exit 2, never a stack trace.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../support/server.ts';
import { freePort } from '../support/process.ts';
import { assertOneLineError, cashbook, startCliServer, type CliServer } from './binary.ts';

const SUBCOMMANDS = [['serve'], ['migrate'], ['accounts:create'], ['keys'], ['keys', 'list'], ['keys', 'create'], ['keys', 'revoke'], ['verify'], ['backup'], ['listen'], ['import-statement'], ['merchant-account'], ['merchant-account', 'set'], ['merchant-account', 'list'], ['payment-file']];

describe('the cashbook command', () => {
  let dir: string;
  let database: string;
  let server: CliServer;
  before(async () => {
    dir = tempDir('cashbook-cli-');
    database = path.join(dir, 'cashbook.db');
    server = await startCliServer(database);
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints its help, and every subcommand’s', async () => {
    const top = await cashbook(['--help']);
    assert.equal(top.code, 0, top.stderr);
    for (const name of ['serve', 'migrate', 'keys', 'verify', 'backup', 'listen']) assert.match(top.stdout, new RegExp(`\\n\\s+${name}\\b`), `--help lists ${name}`);
    for (const words of SUBCOMMANDS) {
      const help = await cashbook([...words, '--help']);
      assert.equal(help.code, 0, `${words.join(' ')} --help: ${help.stderr}`);
      assert.match(help.stdout, new RegExp(`^Usage: cashbook ${words.join(' ')}`), words.join(' '));
      assert.equal(help.stderr, '');
    }
    assert.match((await cashbook(['--version'])).stdout, /^\d+\.\d+\.\d+/);
  });

  it('ends each mistake in one plain line and exit 2', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = (busy.address() as net.AddressInfo).port;
    const nobody = await freePort();
    const cases: [string, string[], RegExp, NodeJS.ProcessEnv?][] = [
      ['a port that is not a number', ['serve', '--port', 'abc'], /--port.*'abc' is invalid.*whole number from 0 to 65535/],
      ['a port out of range', ['serve', '--port', '70000'], /70000/],
      ['CASHBOOK_PORT that is not a number', ['serve', '--database-url', database], /CASHBOOK_PORT=abc is not a port/, { CASHBOOK_PORT: 'abc' }],
      ['a port in use', ['serve', '--port', String(busyPort), '--database-url', path.join(dir, 'busy.db')], new RegExp(`port ${busyPort} on 127\\.0\\.0\\.1 is already in use`)],
      ['a database folder that does not exist', ['serve', '--database-url', path.join(dir, 'missing', 'x.db')], /folder .*missing does not exist/],
      ['PostgreSQL that is not running', ['migrate', '--database-url', `postgres://cashbook:pw@127.0.0.1:${nobody}/cashbook`], /cannot use the PostgreSQL database postgres:\/\/cashbook:\*\*\*@127\.0\.0\.1:\d+\/cashbook: connection refused/],
      ['verify of PostgreSQL that is not running', ['verify', '--database-url', `postgres://cashbook:pw@127.0.0.1:${nobody}/cashbook`], /cannot use the PostgreSQL database postgres:\/\/cashbook:\*\*\*@127\.0\.0\.1:\d+\/cashbook: connection refused/],
      ['a database URL of another engine', ['migrate', '--database-url', 'mysql:thing'], /takes a SQLite file path, a sqlite: URL or a postgres:\/\/ URL, not mysql:/],
      ['serve on a database URL of another engine', ['serve', '--database-url', 'mysql://user@host/db'], /not mysql:/],
      ['help for a command that does not exist', ['help', 'bogus'], /no help for 'bogus': it is not a command/],
      ['a log level that does not exist', ['serve', '--log-level', 'loud'], /--log-level.*Allowed choices/],
      ['a metrics switch that is not one', ['serve', '--database-url', path.join(dir, 'm.db')], /CASHBOOK_METRICS=maybe is not a switch/, { CASHBOOK_METRICS: 'maybe' }],
      ['a malformed CASHBOOK_API_KEY', ['serve', '--database-url', path.join(dir, 'k.db')], /must look like a secret key/, { CASHBOOK_API_KEY: 'new' }],
      ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
      ['an unknown option', ['serve', '--prot', '1'], /unknown option '--prot' \(Did you mean --port\?\)/],
      ['keys without a subcommand', ['keys'], /keys needs a subcommand/],
      ['keys on a database that does not exist', ['keys', 'list', '--database-url', path.join(dir, 'nope.db')], /no database at .*nope\.db/],
      ['revoke without a key', ['keys', 'revoke', '--database-url', database], /missing required argument/],
      ['revoke of a key that does not exist', ['keys', 'revoke', 'zzzz', '--database-url', database], /no key ends in zzzz/],
      ['create for an account that does not exist', ['keys', 'create', '--account', 'acct_nobody', '--database-url', database], /no account acct_nobody/],
      ['a live key for a test account', ['keys', 'create', '--account', 'acct_default', '--live', '--database-url', database], /acct_default is a test-mode account/],
      ['verify of a file that does not exist', ['verify', '--database-url', path.join(dir, 'nope.db')], /no database at/],
      ['verify of a file that is not a database', ['verify', '--database-url', fileURLToPath(import.meta.url)], /cannot read|not a/],
      ['backup of PostgreSQL', ['backup', path.join(dir, 'b.db'), '--database-url', 'postgres://a@127.0.0.1/c'], /use pg_dump/],
      ['backup over an existing file', ['backup', database, '--database-url', database], /another file than the database|exists already/],
      ['backup into a folder that does not exist', ['backup', path.join(dir, 'no', 'b.db'), '--database-url', database], /folder .* does not exist/],
      ['listen without a key', ['listen'], /listen needs a secret key/],
      ['listen with the server not running', ['listen', '--api-key', 'sk_test_abcdefgh', '--api-base', `http://127.0.0.1:${nobody}`], new RegExp(`cannot reach the Cashbook API at http://127\\.0\\.0\\.1:${nobody}: .*connection refused.*is the server running`)],
      ['listen with a bad URL', ['listen', '--api-key', 'sk_test_abcdefgh', '--forward-to', 'localhost:3000'], /--forward-to.*http:\/\/ or https:\/\//],
      ['listen with a bad interval', ['listen', '--api-key', 'sk_test_abcdefgh', '--interval', '0'], /--interval.*positive whole number/],
      ['listen with a key the server refuses', ['listen', '--api-key', 'sk_test_wrongwrongwrong', '--api-base', server.url], /401.*Invalid API Key/],
    ];
    try {
      for (const [what, args, pattern, env] of cases) {
        const result = await cashbook(args, { env, cwd: dir });
        assertOneLineError(result, pattern, what);
        // A first start on a busy port made the default account: its key is shown, or it would be lost.
        if (what === 'a port in use') assert.match(result.stdout, /export CASHBOOK_API_KEY=sk_test_[0-9A-Za-z]{32}\n/, result.stdout);
      }
    } finally {
      busy.close();
    }
    // The refused serve commands made no database where the folder was missing.
    assert.equal(fs.existsSync(path.join(dir, 'missing')), false);
    assert.equal(fs.existsSync(path.join(dir, 'mysql:thing')), false, 'a URL of another engine made no SQLite file');
  });

  it('migrates, and makes accounts', async () => {
    const migrated = await cashbook(['migrate', '--database-url', database]);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /migrations applied/);
    const made = await cashbook(['accounts:create', '--database-url', database]);
    assert.equal(made.code, 0, made.stderr);
    const { account, secret_key } = JSON.parse(made.stdout) as { account: string; secret_key: string };
    assert.match(account, /^acct_/);
    const response = await fetch(`${server.url}/v1/customers`, { headers: { authorization: `Bearer ${secret_key}` } });
    assert.equal(response.status, 200);
  });
});
