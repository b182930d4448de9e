// Builds the Fastify application. Only server.ts listens; tests and the bench build it too.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { systemClock, type Clock } from './core/clock.ts';
import { randomBase62, randomIds, type IdGenerator } from './core/ids.ts';
import { API_VERSION } from './resources/events/emit.ts';
import type { Store } from './store/types.ts';
import { Authenticator } from './wire/auth.ts';
import { installErrorHandling } from './wire/errors.ts';
import { ApiError } from './core/errors.ts';
import { installFormParsing, queryStringParser } from './wire/form.ts';
import { answerNodeReplies, clientErrorHandler, frameworkErrors, MAX_PARAM_LENGTH } from './wire/http-errors.ts';
import { capConnections, connectionLimitsFromEnv, type ConnectionLimits } from './connections.ts';
import type { AppDeps } from './wire/route.ts';
import { eventsAndWebhooksRoutes } from './resources/events/routes.ts';
import { customerRoutes } from './resources/customers/routes.ts';
import { paymentIntentRoutes } from './resources/payment-intents/routes.ts';
import { paymentMethodRoutes } from './resources/payment-methods/routes.ts';
import { chargeRoutes } from './resources/charges/routes.ts';
import { hostedInstructionsRoutes } from './resources/hosted-instructions/routes.ts';
import { cashBalanceRoutes } from './resources/cash-balance/routes.ts';
import { fundingInstructionsRoutes } from './resources/funding-instructions/routes.ts';
import { customerBalanceTransactionRoutes } from './resources/customer-balance-transactions/routes.ts';
import { invoiceRoutes } from './resources/invoices/routes.ts';
import { invoiceItemRoutes } from './resources/invoice-items/routes.ts';
import { refundRoutes } from './resources/refunds/routes.ts';
import { balanceRoutes } from './resources/balance/routes.ts';
import { balanceTransactionRoutes } from './resources/balance-transactions/routes.ts';
import { testClockRoutes } from './resources/test-clocks/routes.ts';
import { dashboardRoutes } from './resources/dashboard/routes.ts';
import { ClockAdvancer } from './resources/test-clocks/advancer.ts';
import { searchRoutes } from './resources/search/routes.ts';
import { installRequestObservers } from './metrics/http.ts';
import { healthRoute } from './metrics/health.ts';
import type { Metrics } from './metrics/metrics.ts';
import { refundDetailsRoutes } from './resources/refund-details/routes.ts';
import { outboundFileRoutes } from './resources/outbound-files/routes.ts';
import { virtualAccountRangeRoutes } from './resources/virtual-account-ranges/routes.ts';
import { bankStatementRoutes } from './resources/bank-statements/routes.ts';
import { accountRoutes } from './resources/accounts/routes.ts';

/** How often a process looks for test clock advances that no process is running. */
const CLOCK_WATCH_MS = 5_000;

export interface AppOptions {
  store: Store;
  clock?: Clock;
  ids?: IdGenerator;
  logLevel?: string;
  publicUrl?: string;
  /** Timeouts and the connection cap; default from the environment (connections.ts). */
  limits?: ConnectionLimits;
  /** Request metrics (src/metrics/), when the server keeps them. */
  metrics?: Metrics;
}

/** Every resource's routes, registered in one list. */
const RESOURCES = [customerRoutes, cashBalanceRoutes, fundingInstructionsRoutes, customerBalanceTransactionRoutes, invoiceRoutes, invoiceItemRoutes, paymentIntentRoutes, paymentMethodRoutes, chargeRoutes, hostedInstructionsRoutes, eventsAndWebhooksRoutes, refundRoutes, balanceRoutes, balanceTransactionRoutes, testClockRoutes, dashboardRoutes, searchRoutes, refundDetailsRoutes, outboundFileRoutes, bankStatementRoutes, accountRoutes, virtualAccountRangeRoutes];

export async function buildApp(options: AppOptions): Promise<{ app: FastifyInstance; deps: AppDeps }> {
  const limits = options.limits ?? connectionLimitsFromEnv();
  const app = Fastify({
    logger: { level: options.logLevel ?? 'info' },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    genReqId: () => `req_${randomBase62(14)}`,
    routerOptions: { querystringParser: queryStringParser, maxParamLength: MAX_PARAM_LENGTH },
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    frameworkErrors,
    clientErrorHandler,
    // A request that comes while the server closes gets Stripe's error object from connections.ts, not Fastify's own 503.
    return503OnClosing: false,
    // Node would answer a request without Host itself, with an empty body: the hook below answers it in Stripe's shape.
    // Node checks request timeouts every 30 s by default: a stalled request's 408 came up to 30 s late.
    http: { requireHostHeader: false, connectionsCheckingInterval: Math.min(1_000, limits.requestTimeoutMs) },
  });
  capConnections(app.server, limits.maxConnections);
  answerNodeReplies(app.server);
  // Node made headersTimeout 60 s before Fastify set requestTimeout, and the longer of the two wins: a stalled body got its 408 after 60–90 s.
  app.server.headersTimeout = Math.min(app.server.headersTimeout, limits.requestTimeoutMs);
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const deps: AppDeps = {
    store: options.store,
    clock,
    ids,
    auth: new Authenticator(options.store),
    inFlight: new Set(),
    apiVersion: API_VERSION,
    publicUrl: options.publicUrl,
    advancer: new ClockAdvancer(options.store, clock, ids, app.log),
  };
  app.addHook('onReady', async () => {
    await deps.advancer.resume();
    deps.advancer.watchForUnfinished(CLOCK_WATCH_MS);
  });
  app.addHook('onClose', async () => deps.advancer.close());
  app.addHook('onRequest', async (request, reply) => {
    reply.header('request-id', request.id);
    // The connection stays open: a request pipelined behind this one still gets its answer.
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      throw new ApiError('Malformed HTTP request: HTTP/1.1 requires a Host header.', { status: 400 });
    }
  });
  installRequestObservers(app, options.metrics); // a log line per request, and its metrics
  installFormParsing(app);
  installErrorHandling(app);
  app.get('/healthz', healthRoute(options.store));
  for (const register of RESOURCES) register(app, deps);
  return { app, deps };
}
