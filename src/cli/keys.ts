// `cashbook keys list|create|revoke`: the secret keys of every account. Keys are stored
// hashed: `list` shows the last four characters; a new key is printed once, when it is made.
import type { Command } from 'commander';
import { ApiError } from '../core/errors.ts';
import { CliError } from './errors.ts';
import { addDatabaseOption, databaseUrl, openDatabase, requireExisting } from './options.ts';
import type { Store } from '../store/types.ts';

async function withStore<T>(options: { databaseUrl?: string }, fn: (store: Store) => Promise<T>): Promise<T> {
  const url = databaseUrl(options);
  requireExisting(url);
  const store = await openDatabase(url);
  try {
    return await fn(store);
  } catch (error) {
    // The key services refuse with ApiError; here its message is the whole line.
    throw error instanceof ApiError ? new CliError(error.message) : error;
  } finally {
    await store.close();
  }
}

function accountOption(value: string): string {
  if (!/^acct_[A-Za-z0-9_]+$/.test(value)) throw new CliError(`--account must be an account id (acct_…), not "${value}"`);
  return value;
}

export function register(program: Command): void {
  const keys = program.command('keys').description('list, create and revoke secret keys (stored hashed)');
  keys.action(() => {
    throw new CliError('keys needs a subcommand: list, create or revoke (see `cashbook keys --help`)');
  });

  addDatabaseOption(keys.command('list').description('list every secret key: account, mode, created, last four characters'))
    .option('--account <acct>', 'only this account’s keys', accountOption)
    .option('--json', 'print JSON lines instead of a table')
    .action(async (options: { databaseUrl?: string; account?: string; json?: boolean }) => {
      await withStore(options, async (store) => {
        const { listKeys, maskedKey } = await import('../resources/accounts/keys.ts');
        const records = await listKeys(store, options.account);
        const rows = records.map((r) => ({ account: r.accountId, mode: r.livemode ? 'live' : 'test', created: new Date(r.created * 1000).toISOString().replace('.000Z', 'Z'), key: maskedKey(r), last4: r.last4 }));
        if (options.json) {
          for (const row of rows) console.log(JSON.stringify(row));
          return;
        }
        if (rows.length === 0) {
          console.log(`no keys${options.account ? ` for ${options.account}` : ''}: make one with \`cashbook keys create\``);
          return;
        }
        const header = { account: 'ACCOUNT', mode: 'MODE', created: 'CREATED', key: 'KEY' };
        const table = [header, ...rows];
        const width = (field: keyof typeof header) => Math.max(...table.map((row) => row[field].length));
        for (const row of table) console.log([row.account.padEnd(width('account')), row.mode.padEnd(width('mode')), row.created.padEnd(width('created')), row.key].join('  '));
      });
    });

  addDatabaseOption(keys.command('create').description('make a new secret key and print it (once: only its hash is kept)'))
    .option('--account <acct>', 'the account (default: the default account, acct_default)', accountOption)
    .option('--live', 'a live-mode key (sk_live_; without --account, the default account’s live mode)')
    .action(async (options: { databaseUrl?: string; account?: string; live?: boolean }) => {
      await withStore(options, async (store) => {
        const { createKey } = await import('../resources/accounts/keys.ts');
        const made = await createKey(store, { accountId: options.account, live: options.live, now: Math.floor(Date.now() / 1000) });
        process.stdout.write(`${made.key}\n`);
        process.stderr.write(`made a ${made.livemode ? 'live' : 'test'} key for ${made.accountId}; it is shown only now (Cashbook keeps its hash): export CASHBOOK_API_KEY=${made.key}\n`);
      });
    });

  addDatabaseOption(keys.command('revoke').description('revoke a key, named by the whole key or its last four characters').argument('<key-or-last4>', 'the key, or its last four characters as `keys list` shows them'))
    .option('--account <acct>', 'the account, when two accounts have keys ending alike', accountOption)
    .option('--force', 'revoke even the account’s last key')
    .action(async (which: string, options: { databaseUrl?: string; account?: string; force?: boolean }) => {
      await withStore(options, async (store) => {
        const { revokeKey, maskedKey } = await import('../resources/accounts/keys.ts');
        const { hashApiKey } = await import('../wire/auth.ts');
        const record = await revokeKey(store, which, { accountId: options.account, force: options.force });
        console.log(`revoked ${maskedKey(record)} of ${record.accountId} (running servers refuse it within 2 seconds)`);
        const fixed = process.env.CASHBOOK_API_KEY;
        if (fixed && hashApiKey(fixed) === record.keyHash) process.stderr.write('note: CASHBOOK_API_KEY is this key: a server started with it set now refuses to start: set CASHBOOK_API_KEY to another key\n');
      });
    });
}
