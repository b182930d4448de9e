// `cashbook accounts:create`: another account, with its first secret key.
import type { Command } from 'commander';
import { addDatabaseOption, databaseUrl, openDatabase } from './options.ts';

export function register(program: Command): void {
  addDatabaseOption(program.command('accounts:create').description('create a new account and print its secret key (as JSON)'))
    .option('--live', 'make a live-mode account (sk_live_ key)')
    .action(async (options: { databaseUrl?: string; live?: boolean }) => {
      const store = await openDatabase(databaseUrl(options));
      try {
        const { createAccount } = await import('../resources/accounts/service.ts');
        const { accountId, key } = await createAccount(store, { livemode: options.live ?? false, now: Math.floor(Date.now() / 1000) });
        console.log(JSON.stringify({ account: accountId, secret_key: key }));
      } finally {
        await store.close();
      }
    });
}
