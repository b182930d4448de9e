#!/usr/bin/env node
// The `cashbook` command: serve, migrate, and account management.
import { Command } from 'commander';
import { configFromEnv } from './config.ts';
import { createAccount } from './resources/accounts/service.ts';
import { startServer } from './server.ts';
import { openStore } from './store/open.ts';

const program = new Command('cashbook').description('A self-hosted, Stripe-compatible customer balance server.');
const defaults = configFromEnv();

program
  .command('serve', { isDefault: true })
  .description('run the API server')
  .option('--host <host>', 'address to listen on (CASHBOOK_HOST)', defaults.host)
  .option('--port <port>', 'port to listen on (CASHBOOK_PORT or PORT)', String(defaults.port))
  .option('--database-url <url>', 'SQLite file or sqlite:/postgres:// URL (CASHBOOK_DATABASE_URL)', defaults.databaseUrl)
  .option('--api-key <key>', 'secret key of the default account (CASHBOOK_API_KEY)', defaults.apiKey)
  .option('--log-level <level>', 'pino log level (CASHBOOK_LOG_LEVEL)', defaults.logLevel)
  .action(async (options) => {
    await startServer({ host: options.host, port: Number(options.port), databaseUrl: options.databaseUrl, apiKey: options.apiKey, logLevel: options.logLevel, publicUrl: defaults.publicUrl });
  });

program
  .command('migrate')
  .description('apply database migrations and exit')
  .option('--database-url <url>', 'database (CASHBOOK_DATABASE_URL)', defaults.databaseUrl)
  .action(async (options) => {
    const store = await openStore(options.databaseUrl);
    await store.close();
    console.log('migrations applied');
  });

program
  .command('accounts:create')
  .description('create a new account and print its secret key')
  .option('--database-url <url>', 'database (CASHBOOK_DATABASE_URL)', defaults.databaseUrl)
  .option('--live', 'make a live-mode account (sk_live_ key)', false)
  .action(async (options) => {
    const store = await openStore(options.databaseUrl);
    const { accountId, key } = await createAccount(store, { livemode: options.live, now: Math.floor(Date.now() / 1000) });
    await store.close();
    console.log(JSON.stringify({ account: accountId, secret_key: key }));
  });

await program.parseAsync(process.argv);
