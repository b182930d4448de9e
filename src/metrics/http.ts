// What every request leaves behind: one JSON log line (pino: reqId, account, route, status,
// duration) and, with metrics on, its counter and latency; and GET /metrics itself.
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The account the request's key belongs to, once authenticated (src/wire/route.ts). */
    cashbookAccount: string | null;
  }
}

/** Routes logged at debug rather than info: probes and scrapes, polled all day. */
const QUIET = new Set(['/healthz', '/metrics']);

/**
 * The URL as logged. The wildcard routes are the public pages (refund bank details, hosted
 * instructions), whose last segment is the only credential: logs keep its mode, never the token.
 */
export function loggedUrl(route: string, url: string): string {
  if (!route.endsWith('/*')) return url;
  const prefix = route.slice(0, -1);
  const path = url.split('?')[0];
  // The path as sent may spell the prefix otherwise (percent-encoded): the route's own is logged.
  const token = path.startsWith(prefix) ? path.slice(prefix.length) : path.slice(path.lastIndexOf('/') + 1);
  return `${prefix}${/^(test|live)_/.exec(token)?.[0] ?? ''}[redacted]`;
}

export function installRequestObservers(app: FastifyInstance, metrics?: Metrics): void {
  app.decorateRequest('cashbookAccount', null);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const ms = reply.elapsedTime;
    metrics?.observeRequest(request.method, route, reply.statusCode, ms / 1000);
    const fields = { account: request.cashbookAccount ?? undefined, method: request.method, route, url: loggedUrl(route, request.url), status: reply.statusCode, duration_ms: Math.round(ms * 100) / 100 };
    if (QUIET.has(route)) request.log.debug(fields, 'request');
    else request.log.info(fields, 'request');
  });
  if (!metrics) return;
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.getHeader('idempotent-replayed') === 'true') metrics.idempotencyOutcome('replayed');
    else if ((reply.statusCode === 409 || reply.statusCode === 400) && typeof payload === 'string' && payload.includes('idempotency_error')) {
      metrics.idempotencyOutcome(reply.statusCode === 409 ? 'in_progress' : 'mismatch');
    }
    return payload;
  });
}

/** GET /metrics on the API's own port (no key: metrics carry no customer data). */
export function addMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));
}

/** GET /metrics on a port of its own, for when the API port is public. */
export function serveMetrics(metrics: Metrics, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    metrics.text().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (error: Error) => response.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${error.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(Object.assign(error, { port, metrics: true })));
    server.listen(port, host, () => resolve(server));
  });
}
