// Starts Cashbook: opens the store, makes sure an account exists, listens, and stops on SIGTERM.
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { DEFAULT_ACCOUNT_ID, ensureDefaultAccount } from './resources/accounts/service.ts';
import { openStore } from './store/open.ts';
import { closeApp, refuseWhileClosing } from './connections.ts';
import { KEY_RETENTION_SECONDS } from './wire/idempotency.ts';
import { startWebhookWorker } from './webhooks/worker.ts';
import { ApiLoad } from './webhooks/api-load.ts';
import { startScheduler } from './resources/scheduler/worker.ts';
import { addMetricsRoute, serveMetrics } from './metrics/http.ts';
import { Metrics } from './metrics/metrics.ts';
import type { Store } from './store/types.ts';
import { redactUrl } from './store/url.ts';

/** After the grace period, closing the store and the workers gets this long before the process exits anyway. */
const FINISH_MS = 5_000;

export interface StartOptions extends Config {
  /** An already opened store (the CLI opens it, to explain a database it cannot open). */
  store?: Store;
}

export async function startServer(config: StartOptions) {
  const store = config.store ?? (await openStore(config.databaseUrl, { poolSize: config.databasePoolSize, timeoutMs: config.databaseTimeoutMs }));
  const metrics = config.metrics ? new Metrics() : undefined;
  metrics?.attachStore(store);
  // Without CASHBOOK_PUBLIC_URL, public links use the listening socket's address (right with --port 0 too).
  const { app } = await buildApp({ store, logLevel: config.logLevel, publicUrl: config.publicUrl, metrics, limits: config.limits });
  if (metrics && config.metrics?.port === null) addMetricsRoute(app, metrics);
  refuseWhileClosing(app);
  const account = await ensureDefaultAccount(store, Math.floor(Date.now() / 1000), config.apiKey);
  // A key the operator supplied is theirs: never printed. Only a key Cashbook made is shown, once.
  const madeKey = account.created && account.key !== config.apiKey ? account.key : undefined;
  if (madeKey) app.log.info(`created the default account ${DEFAULT_ACCOUNT_ID} and its test secret key (shown on stdout once)`);
  else if (account.created) app.log.info(`created the default account ${DEFAULT_ACCOUNT_ID}; its test secret key is CASHBOOK_API_KEY`);
  if (account.moved) app.log.warn('CASHBOOK_API_KEY is a live key: it now belongs to the live-mode default account and no longer sees test objects');
  const prune = setInterval(() => void store.pruneIdempotency(KEY_RETENTION_SECONDS).catch((error) => app.log.error(error)), 3600_000);
  prune.unref();
  let metricsServer: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  try {
    await app.listen({ host: config.host, port: config.port });
    metricsServer = metrics && config.metrics?.port != null ? await serveMetrics(metrics, config.host, config.metrics.port) : undefined;
  } catch (error) {
    // The account is made already: its key is shown now, or never (the next start finds the account).
    if (madeKey) process.stdout.write(`The server did not start, but the default account was made: its test secret key, shown only this once:\n  export CASHBOOK_API_KEY=${madeKey}\n`);
    throw error;
  }
  const address = app.server.address();
  const listening = `http://${config.host}:${typeof address === 'object' && address ? address.port : config.port}`;
  const base = (config.publicUrl ?? listening).replace(/\/+$/, '');
  const metricsAt = metricsServer ? `http://${config.host}:${(metricsServer.address() as { port: number }).port}/metrics` : metrics ? `${listening}/metrics` : undefined;
  process.stdout.write(startBanner({ listening, database: store.engine === 'sqlite' ? config.databaseUrl : redactUrl(config.databaseUrl), engine: store.engine, createdKey: madeKey, fixedKey: config.apiKey, dashboard: `${base}/dashboard`, metricsAt }));
  app.log.info({ url: listening, dashboard: `${base}/dashboard`, metrics: metricsAt }, 'listening');
  const load = new ApiLoad().attach(app.server);
  const { enabled, ...webhooks } = config.webhooks;
  const worker = enabled ? startWebhookWorker({ ...webhooks, store, log: app.log, load, onAttempt: metrics ? (ok) => metrics.webhookAttempt(ok) : undefined }) : undefined;
  const scheduler = startScheduler({ store, log: app.log, intervalMs: config.schedulerIntervalMs });
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const graceMs = config.limits.shutdownGraceMs;
    app.log.info({ signal, grace_ms: graceMs }, 'shutting down: finishing requests in flight');
    // Bounded whatever hangs (a database that stopped answering): what was acknowledged is committed already.
    setTimeout(() => {
      app.log.error(`shutdown did not finish within ${graceMs + FINISH_MS} ms: exiting`);
      process.exit(1);
    }, graceMs + FINISH_MS).unref();
    clearInterval(prune);
    metricsServer?.close();
    metricsServer?.closeAllConnections();
    // The API stops taking requests at once; deliveries and due jobs stop meanwhile.
    await Promise.all([closeApp(app, graceMs), worker?.stop(), scheduler.stop()]);
    await store.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return { app, store };
}

/** What a person starting the server reads first: where it is, and where a key comes from. */
function startBanner(facts: { listening: string; database: string; engine: string; createdKey?: string; fixedKey?: string; dashboard: string; metricsAt?: string }): string {
  const lines = [`Cashbook is serving ${facts.listening} on ${facts.database} (${facts.engine})`];
  if (facts.createdKey) {
    lines.push(`  test secret key: ${facts.createdKey}`, '    (made now for the new default account: shown only this once, Cashbook keeps its hash)', `    export CASHBOOK_API_KEY=${facts.createdKey}`);
  }
  if (facts.fixedKey) {
    lines.push(`  secret key: CASHBOOK_API_KEY (…${facts.fixedKey.slice(-4)}) is a key of the default account${facts.fixedKey.startsWith('sk_live_') ? '\'s live mode' : ''}`);
  }
  lines.push('  keys: `npx cashbook keys list` shows this database\'s keys (last four characters); `npx cashbook keys create` makes a new one');
  lines.push(`  dashboard: ${facts.dashboard}`);
  if (facts.metricsAt) lines.push(`  metrics: ${facts.metricsAt}`);
  return `\n${lines.join('\n')}\n\n`;
}
