// Starts Cashbook: opens the store, makes sure an account exists, and listens.
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { ensureDefaultAccount } from './resources/accounts/service.ts';
import { openStore } from './store/open.ts';
import { KEY_RETENTION_SECONDS } from './wire/idempotency.ts';
import { webhookConfigFromEnv } from './webhooks/config.ts';
import { startWebhookWorker } from './webhooks/worker.ts';
import { ApiLoad } from './webhooks/api-load.ts';
import { startScheduler } from './resources/scheduler/worker.ts';

export async function startServer(config: Config) {
  const store = await openStore(config.databaseUrl, { poolSize: config.databasePoolSize });
  const publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const { app } = await buildApp({ store, logLevel: config.logLevel, publicUrl });
  const account = await ensureDefaultAccount(store, Math.floor(Date.now() / 1000), config.apiKey);
  if (account.created) {
    app.log.info(`created the default account; its test secret key is ${account.key}`);
    process.stdout.write(`\nCashbook test secret key: ${account.key}\n\n`);
  }
  if (account.moved) app.log.warn('CASHBOOK_API_KEY is a live key: it now belongs to the live-mode default account and no longer sees test objects');
  const prune = setInterval(() => void store.pruneIdempotency(KEY_RETENTION_SECONDS).catch((error) => app.log.error(error)), 3600_000);
  prune.unref();
  await app.listen({ host: config.host, port: config.port });
  app.log.info(`dashboard at ${publicUrl.replace(/\/+$/, '')}/dashboard`);
  const webhooks = webhookConfigFromEnv();
  const load = new ApiLoad().attach(app.server);
  const worker = webhooks.enabled ? startWebhookWorker({ ...webhooks, store, log: app.log, load }) : undefined;
  const scheduler = startScheduler({ store, log: app.log, intervalMs: Number(process.env.CASHBOOK_SCHEDULER_INTERVAL_MS ?? 60_000) });
  const stop = async () => {
    clearInterval(prune);
    await worker?.stop();
    await scheduler.stop();
    // A keep-alive connection whose request was in flight when closing began would hold
    // app.close() open until its keep-alive timeout: close each one as soon as it is idle.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    await app.close();
    clearInterval(sweep);
    await store.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return { app, store };
}
