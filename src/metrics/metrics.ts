// Prometheus metrics (prom-client), kept only when the server is started with them on
// (CASHBOOK_METRICS=1 or CASHBOOK_METRICS_PORT). Counters and histograms are updated where
// things happen (requests, commits, retries, webhook attempts); the gauges of waiting work
// are read from the database at scrape time, at most once per BACKLOG_TTL_MS, so a scraper
// never costs more than a few aggregate reads every few seconds.
import client from 'prom-client';
import type { Backlog, Store } from '../store/types.ts';

export const BACKLOG_TTL_MS = 5000;

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type IdempotencyOutcome = 'replayed' | 'in_progress' | 'mismatch';

interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export class Metrics {
  readonly registry = new client.Registry();
  readonly contentType = this.registry.contentType;
  private readonly requests: client.Counter<'method' | 'route' | 'status'>;
  private readonly durations: client.Histogram<'method' | 'route' | 'status'>;
  private readonly idempotency: client.Counter<'outcome'>;
  private readonly commitSize: client.Histogram<'engine'>;
  private readonly commitSeconds: client.Histogram<'engine'>;
  private readonly retries: client.Counter<'code'>;
  private readonly webhookAttempts: client.Counter<'result'>;
  private backlogCache: { at: number; value: Promise<Backlog> } | undefined;

  constructor() {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'cashbook_' }); // cashbook_process_cpu_…, cashbook_nodejs_eventloop_lag_…
    this.requests = new client.Counter({ name: 'cashbook_http_requests_total', help: 'HTTP requests answered, by route pattern and status', labelNames: ['method', 'route', 'status'], registers });
    this.durations = new client.Histogram({ name: 'cashbook_http_request_duration_seconds', help: 'Time from request to response, by route pattern and status', labelNames: ['method', 'route', 'status'], buckets: SECONDS, registers });
    this.idempotency = new client.Counter({ name: 'cashbook_idempotency_total', help: 'POSTs with an Idempotency-Key that did not run: replayed (the stored response), in_progress (409, the first attempt still runs), mismatch (400, another request reused the key)', labelNames: ['outcome'], registers });
    this.commitSize = new client.Histogram({ name: 'cashbook_commit_transactions', help: 'Write transactions made durable by one commit (SQLite: a commit group; PostgreSQL: always 1)', labelNames: ['engine'], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers });
    this.commitSeconds = new client.Histogram({ name: 'cashbook_commit_duration_seconds', help: 'Time COMMIT took, the fsync included', labelNames: ['engine'], buckets: SECONDS, registers });
    this.retries = new client.Counter({ name: 'cashbook_write_retries_total', help: 'PostgreSQL write transactions rolled back and tried again, by SQLSTATE', labelNames: ['code'], registers });
    this.webhookAttempts = new client.Counter({ name: 'cashbook_webhook_attempts_total', help: 'Webhook delivery attempts made by this process: succeeded (2xx) or failed', labelNames: ['result'], registers });
    for (const result of ['succeeded', 'failed']) this.webhookAttempts.inc({ result }, 0);
    for (const outcome of ['replayed', 'in_progress', 'mismatch']) this.idempotency.inc({ outcome }, 0);
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
  }

  idempotencyOutcome(outcome: IdempotencyOutcome): void {
    this.idempotency.inc({ outcome });
  }

  webhookAttempt(ok: boolean): void {
    this.webhookAttempts.inc({ result: ok ? 'succeeded' : 'failed' });
  }

  /** Observes the store's commits and retries, and reads its backlog (and pool) at scrape time. */
  attachStore(store: Store & { poolStats?: () => PoolStats }): void {
    const engine = store.engine;
    this.retries.inc({ code: '40001' }, 0);
    store.observer = {
      commit: (transactions, seconds) => {
        this.commitSize.observe({ engine }, transactions);
        this.commitSeconds.observe({ engine }, seconds);
      },
      retry: (code) => this.retries.inc({ code }),
    };
    const registers = [this.registry];
    const backlog = () => this.backlog(store);
    new client.Gauge({
      name: 'cashbook_webhook_deliveries',
      help: 'Webhook deliveries in the database, by status (pending: not yet answered 2xx and still being tried)',
      labelNames: ['status'],
      registers,
      async collect() {
        const { deliveries } = await backlog();
        for (const status of new Set(['pending', 'succeeded', 'failed', ...Object.keys(deliveries)])) this.set({ status }, deliveries[status] ?? 0);
      },
    });
    new client.Gauge({
      name: 'cashbook_webhook_events_awaiting_fanout',
      help: 'Events with endpoints not yet turned into deliveries',
      registers,
      async collect() {
        this.set((await backlog()).awaitingFanOut);
      },
    });
    new client.Gauge({
      name: 'cashbook_webhook_oldest_pending_seconds',
      help: 'Age of the oldest event still waiting to be delivered to an endpoint (0 when none)',
      registers,
      async collect() {
        const { oldestPendingEvent } = await backlog();
        this.set(oldestPendingEvent === null ? 0 : Math.max(0, Date.now() / 1000 - oldestPendingEvent));
      },
    });
    new client.Gauge({
      name: 'cashbook_scheduler_lag_seconds',
      help: 'How long the oldest due real-clock job (refund expiry, 75/90-day processes) has waited past its due time (0 when none)',
      registers,
      async collect() {
        const { oldestDueJob } = await backlog();
        this.set(oldestDueJob === null ? 0 : Math.max(0, Date.now() / 1000 - oldestDueJob));
      },
    });
    if (store.poolStats) {
      const stats = () => store.poolStats!();
      new client.Gauge({
        name: 'cashbook_postgres_pool_connections',
        help: 'PostgreSQL pool of this process: connections open (total), idle, in use, and the pool size (max)',
        labelNames: ['state'],
        registers,
        collect() {
          const s = stats();
          this.set({ state: 'total' }, s.total);
          this.set({ state: 'idle' }, s.idle);
          this.set({ state: 'in_use' }, s.total - s.idle);
          this.set({ state: 'max' }, s.max);
        },
      });
      new client.Gauge({
        name: 'cashbook_postgres_pool_waiting',
        help: 'Callers waiting for a PostgreSQL connection of this process',
        registers,
        collect() {
          this.set(stats().waiting);
        },
      });
    }
  }

  private backlog(store: Store): Promise<Backlog> {
    const now = Date.now();
    if (!this.backlogCache || now - this.backlogCache.at >= BACKLOG_TTL_MS) {
      const value = store.backlog(Math.floor(now / 1000));
      value.catch(() => (this.backlogCache = undefined)); // a failed read is tried again next scrape
      this.backlogCache = { at: now, value };
    }
    return this.backlogCache.value;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
