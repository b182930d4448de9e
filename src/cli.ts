#!/usr/bin/env node
// The `cashbook` command: serve, migrate, and account management.
import { Command } from 'commander';
import { configFromEnv } from './config.ts';
import { createAccount } from './resources/accounts/service.ts';
import { startServer } from './server.ts';
import { listen } from './webhooks/listen.ts';
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

program
  .command('listen')
  .description('print events as they happen and forward them, signed, to a local URL (like `stripe listen`)')
  .option('--forward-to <url>', 'where to POST each event, e.g. http://localhost:3000/webhooks')
  .option('--api-base <url>', 'the Cashbook API to watch', `http://${defaults.host}:${defaults.port}`)
  .option('--api-key <key>', 'secret key to read events with (CASHBOOK_API_KEY)', defaults.apiKey)
  .option('--events <types>', 'comma-separated event types to forward (wildcards like payment_intent.*)', '*')
  .option('--secret <whsec>', 'signing secret to use (default: a new one, printed at start)')
  .option('--interval <ms>', 'how often to poll for new events', '250')
  .action(async (options) => {
    if (!options.apiKey) throw new Error('listen needs --api-key or CASHBOOK_API_KEY');
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    await listen({
      apiBase: options.apiBase,
      apiKey: options.apiKey,
      forwardTo: options.forwardTo,
      events: String(options.events).split(',').map((type: string) => type.trim()).filter(Boolean),
      secret: options.secret,
      intervalMs: Number(options.interval),
      signal: stop.signal,
    });
  });

await program.parseAsync(process.argv);
